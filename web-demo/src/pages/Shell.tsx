// The page frame every page is drawn in (header and main area).
import type { ReactNode } from 'react';

export function Shell({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/">
          <span className="logo" aria-hidden="true">
            {'</>'}
          </span>
          Interview room
        </a>
      </header>
      <main id="main" className={wide ? 'page wide' : 'page'}>
        {children}
      </main>
    </div>
  );
}
