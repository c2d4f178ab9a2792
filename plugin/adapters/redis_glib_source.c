#include "redis_glib_source.h"

typedef struct {
    GSource source;
    redisAsyncContext *ac; /* NULL once hiredis has freed it */
    GPollFD poll_fd;
} RedisSource;

static void set_events(RedisSource *s, gushort add, gushort remove) {
    /* hiredis is only used on the loop's own thread, so the loop is not blocked in poll() now:
     * the next iteration reads these events. (Waking the context here, as adapters for other
     * threads must, cost two eventfd writes and an extra loop iteration per command.) */
    s->poll_fd.events = (gushort)((s->poll_fd.events | add) & ~remove);
}

static void add_read(void *data) { set_events(data, G_IO_IN, 0); }
static void del_read(void *data) { set_events(data, 0, G_IO_IN); }
static void add_write(void *data) { set_events(data, G_IO_OUT, 0); }
static void del_write(void *data) { set_events(data, 0, G_IO_OUT); }

static void cleanup(void *data) {
    RedisSource *s = data;
    s->ac = NULL;
    if (s->poll_fd.fd >= 0) {
        g_source_remove_poll((GSource *)s, &s->poll_fd);
        s->poll_fd.fd = -1;
    }
    g_source_destroy((GSource *)s);
}

static gboolean prepare(GSource *source, gint *timeout) {
    RedisSource *s = (RedisSource *)source;
    /* Commands queued since the last iteration go out now, all in one write, before the loop
     * polls: waiting for poll() to report the socket writable cost an extra iteration (and
     * poll() call) per command. What the socket does not take stays buffered, with G_IO_OUT
     * watched. A failed write frees `ac` (cleanup() then destroys this source, which GLib allows
     * from prepare) and runs the waiting callbacks with NULL replies. */
    if ((s->poll_fd.events & G_IO_OUT) && s->ac != NULL && (s->ac->c.flags & REDIS_CONNECTED)) {
        redisAsyncHandleWrite(s->ac);
    }
    *timeout = -1;
    return (s->poll_fd.events & s->poll_fd.revents) != 0;
}

static gboolean check(GSource *source) {
    RedisSource *s = (RedisSource *)source;
    return (s->poll_fd.events & s->poll_fd.revents) != 0;
}

static gboolean dispatch(GSource *source, GSourceFunc callback, gpointer user_data) {
    RedisSource *s = (RedisSource *)source;
    const gushort revents = s->poll_fd.revents;
    s->poll_fd.revents = 0;
    if ((revents & (G_IO_OUT | G_IO_ERR | G_IO_HUP)) && s->ac != NULL) redisAsyncHandleWrite(s->ac);
    if ((revents & (G_IO_IN | G_IO_ERR | G_IO_HUP)) && s->ac != NULL) redisAsyncHandleRead(s->ac);
    (void)callback;
    (void)user_data;
    return G_SOURCE_CONTINUE;
}

static void finalize(GSource *source) {
    RedisSource *s = (RedisSource *)source;
    if (s->poll_fd.fd >= 0) {
        g_source_remove_poll(source, &s->poll_fd);
        s->poll_fd.fd = -1;
    }
}

static GSourceFuncs funcs = {prepare, check, dispatch, finalize, NULL, NULL};

GSource *interview_redis_source_new(redisAsyncContext *ac) {
    RedisSource *s = (RedisSource *)g_source_new(&funcs, sizeof(RedisSource));
    s->ac = ac;
    s->poll_fd.fd = ac->c.fd;
    s->poll_fd.events = 0;
    s->poll_fd.revents = 0;
    g_source_add_poll((GSource *)s, &s->poll_fd);
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
    ac->ev.data = s;
    return (GSource *)s;
}
