#include "loop_thread.hpp"

namespace interview::adapters {

namespace {

using Task = std::function<void()>;

gboolean run_once(gpointer data) {
    try {
        (*static_cast<Task*>(data))();
    } catch (...) {
        // A task's failure is its own; the loop goes on.
    }
    return G_SOURCE_REMOVE;
}

gboolean run_repeatedly(gpointer data) {
    try {
        (*static_cast<Task*>(data))();
    } catch (...) {
    }
    return G_SOURCE_CONTINUE;
}

void delete_task(gpointer data) {
    delete static_cast<Task*>(data);
}

}  // namespace

LoopThread::LoopThread() : context_(g_main_context_new()), loop_(g_main_loop_new(context_, FALSE)) {
    thread_ = std::thread([this] {
        g_main_context_push_thread_default(context_);
        g_main_loop_run(loop_);
        g_main_context_pop_thread_default(context_);
    });
}

LoopThread::~LoopThread() {
    stop();
    g_main_loop_unref(loop_);
    g_main_context_unref(context_);
}

void LoopThread::stop() {
    if (!thread_.joinable()) {
        return;
    }
    post([this] { g_main_loop_quit(loop_); });
    thread_.join();
    // Sources still attached (timers, tasks posted after the quit) are not run: the context
    // destroys them, and their closures, when the destructor drops the last reference.
}

void LoopThread::post(std::function<void()> task) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(task));
        if (drain_scheduled_) {
            return;  // the pending drain runs this one too
        }
        drain_scheduled_ = true;
    }
    GSource* source = g_idle_source_new();
    g_source_set_priority(source, G_PRIORITY_DEFAULT);
    g_source_set_callback(source, run_posted, this, nullptr);
    g_source_attach(source, context_);
    g_source_unref(source);
}

gboolean LoopThread::run_posted(gpointer data) {
    auto* self = static_cast<LoopThread*>(data);
    std::deque<std::function<void()>> batch;
    {
        std::lock_guard lock(self->posted_mutex_);
        batch.swap(self->posted_);
        self->drain_scheduled_ = false;  // what is posted from now on schedules a new drain
    }
    for (auto& task : batch) {
        try {
            task();
        } catch (...) {
            // A task's failure is its own; the loop goes on.
        }
    }
    return G_SOURCE_REMOVE;
}

void LoopThread::every(unsigned interval_ms, std::function<void()> task) {
    GSource* source = g_timeout_source_new(interval_ms);
    g_source_set_callback(source, run_repeatedly, new Task(std::move(task)), delete_task);
    g_source_attach(source, context_);
    g_source_unref(source);
}

void LoopThread::after(unsigned delay_ms, std::function<void()> task) {
    GSource* source = g_timeout_source_new(delay_ms);
    g_source_set_callback(source, run_once, new Task(std::move(task)), delete_task);
    g_source_attach(source, context_);
    g_source_unref(source);
}

}  // namespace interview::adapters
