import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const serviceUrl = process.env.INTERVIEW_SERVICE_URL ?? 'http://127.0.0.1:8090';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 6000,
  },
  worker: { format: 'es' },
  // `npm run dev` / `npm run preview`: the service's API on the same origin, as in production
  server: { proxy: { '/v1': serviceUrl } },
  preview: { proxy: { '/v1': serviceUrl } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
