/*
 * Logging: one line per call on stderr, "date time level [node] text",
 * written with a single write(2) so lines of concurrent processes sharing
 * the terminal or a file do not interleave.  libevent's own messages take
 * the same path.
 */

#include "config.h"

#include <sys/time.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "base.h"

#define LOG_PREFIX_MAX	16
#define LOG_LINE_STACK	1024

int		 log_threshold = AEMP_LOG_NOTE;
int		 log_trace_on;

static char	*log_node;
static char	*log_prefixes[LOG_PREFIX_MAX];
static size_t	 log_prefix_depth;
static int	 log_libevent_done;

static const char *const log_level_names[] = {
	"fatal", "fatal", "alert", "crit", "error", "warn", "note", "info",
	"debug", "trace"
};

/*
 * A growable line buffer that starts on the stack, so that logging keeps
 * working when memory is exhausted (the line is cut instead).
 */
struct log_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 heap;
	char	 stack[LOG_LINE_STACK];
};

static void
log_buf_init(struct log_buf *b)
{
	b->p = b->stack;
	b->len = 0;
	b->cap = sizeof b->stack;
	b->heap = 0;
}

static int
log_buf_grow(struct log_buf *b, size_t need)
{
	size_t	 cap;
	char	*p;

	if (b->len + need <= b->cap)
		return 0;
	cap = b->cap;
	while (cap < b->len + need)
		cap *= 2;
	if (b->heap)
		p = realloc(b->p, cap);
	else if ((p = malloc(cap)) != NULL)
		memcpy(p, b->p, b->len);
	if (p == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	b->heap = 1;
	return 0;
}

static void
log_buf_add(struct log_buf *b, const char *s, size_t len)
{
	if (log_buf_grow(b, len) != 0)
		len = b->cap - b->len;
	memcpy(b->p + b->len, s, len);
	b->len += len;
}

static void
log_buf_free(struct log_buf *b)
{
	if (b->heap)
		free(b->p);
}

static void
log_write_all(const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = write(STDERR_FILENO, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

/* Append the line header: time stamp, level, node and module prefix. */
static void
log_header(struct log_buf *b, int level)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 ts[64];
	int		 n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = (int)strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	n += snprintf(ts + n, sizeof ts - n, ".%03d ",
	    (int)(tv.tv_usec / 1000));
	log_buf_add(b, ts, n);
	log_buf_add(b, log_level_names[level], strlen(log_level_names[level]));
	log_buf_add(b, " [", 2);
	if (log_node != NULL && *log_node != '\0')
		log_buf_add(b, log_node, strlen(log_node));
	else
		log_buf_add(b, "-", 1);
	log_buf_add(b, "] ", 2);
	if (log_prefix_depth > 0 && log_prefix_depth <= LOG_PREFIX_MAX) {
		log_buf_add(b, log_prefixes[log_prefix_depth - 1],
		    strlen(log_prefixes[log_prefix_depth - 1]));
		log_buf_add(b, ": ", 2);
	}
}

/*
 * Write text as one or more lines (one per embedded newline), escaping
 * other control characters so a line never hides or forges another.
 */
static void
log_lines(int level, const char *text, size_t len)
{
	struct log_buf	 b;
	const char	*end = text + len;
	char		 esc[8];
	unsigned char	 c;

	do {
		log_buf_init(&b);
		log_header(&b, level);
		for (; text < end && *text != '\n'; text++) {
			c = (unsigned char)*text;
			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				snprintf(esc, sizeof esc, "\\x%02x", c);
				log_buf_add(&b, esc, 4);
			} else
				log_buf_add(&b, text, 1);
		}
		if (b.len == b.cap)
			b.len--;
		log_buf_add(&b, "\n", 1);
		log_write_all(b.p, b.len);
		log_buf_free(&b);
	} while (text++ < end && text < end);
}

static int
log_clamp(int level)
{
	if (level < AEMP_LOG_FATAL)
		return AEMP_LOG_FATAL;
	if (level > AEMP_LOG_TRACE)
		return AEMP_LOG_TRACE;
	return level;
}

/* Format and write one log entry; the caller checked the threshold. */
void
log_vemit(int level, const char *file, const char *func, int line,
    const char *fmt, va_list ap)
{
	char	 stack[LOG_LINE_STACK];
	char	*text = stack;
	va_list	 ap2;
	int	 n, saved = errno;

	va_copy(ap2, ap);
	n = vsnprintf(stack, sizeof stack, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	else if ((size_t)n >= sizeof stack) {
		if ((text = malloc(n + 1)) != NULL)
			vsnprintf(text, n + 1, fmt, ap);
		else {
			text = stack;
			n = sizeof stack - 1;
		}
	}
	log_lines(log_clamp(level), text, n);
	if (text != stack)
		free(text);
	errno = saved;
}

/* Format and write one log entry; the caller checked the threshold. */
void
log_emit(int level, const char *file, const char *func, int line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(level, file, func, line, fmt, ap);
	va_end(ap);
}

/* Log one line at level from a program or module (sdk/aemp.h). */
void
aemp_log(int level, const char *fmt, ...)
{
	va_list	 ap;

	if (log_clamp(level) > log_threshold)
		return;
	va_start(ap, fmt);
	log_vemit(level, NULL, NULL, 0, fmt, ap);
	va_end(ap);
}

static void
log_event_cb(int severity, const char *msg)
{
	int	 level;

	switch (severity) {
	case EVENT_LOG_DEBUG:
		level = AEMP_LOG_DEBUG;
		break;
	case EVENT_LOG_MSG:
		level = AEMP_LOG_INFO;
		break;
	case EVENT_LOG_WARN:
		level = AEMP_LOG_WARN;
		break;
	default:
		level = AEMP_LOG_ERROR;
		break;
	}
	log_at(level, "libevent: %s", msg);
}

static void
log_event_fatal_cb(int err)
{
	fatalx("libevent: fatal error %d", err);
}

/* Parse an environment variable as a level; -1 when unset or invalid. */
static int
log_env_level(const char *name)
{
	const char	*s;
	char		*end;
	long		 v;

	if ((s = getenv(name)) == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return -1;
	return log_clamp((int)v);
}

static int
log_env_true(const char *name)
{
	const char	*s;

	if ((s = getenv(name)) == NULL)
		return 0;
	return *s != '\0' && strcmp(s, "0") != 0;
}

/*
 * Read the threshold and trace switches from the environment and route
 * libevent's messages here.  May be called more than once.
 */
void
log_init(void)
{
	int	 level;

	if ((level = log_env_level("AEMP_VERBOSE")) == -1 &&
	    (level = log_env_level("AE_VERBOSE")) == -1)
		level = AEMP_LOG_NOTE;
	log_threshold = level;

	log_trace_on = log_env_true("AEMP_TRACE") ||
	    log_env_true("PERL_ANYEVENT_MP_TRACE");

	if (!log_libevent_done) {
		event_set_log_callback(log_event_cb);
		event_set_fatal_callback(log_event_fatal_cb);
		log_libevent_done = 1;
	}
}

/* Show node in the "[node]" field of every following line. */
void
log_set_node(const char *node)
{
	free(log_node);
	log_node = NULL;
	if (node != NULL && *node != '\0')
		log_node = strdup(node);
}

/* Prefix following lines with "name: " until the matching pop. */
void
log_push_prefix(const char *name)
{
	if (log_prefix_depth < LOG_PREFIX_MAX)
		log_prefixes[log_prefix_depth] = xstrdup(name);
	log_prefix_depth++;
}

/* Undo the last log_push_prefix. */
void
log_pop_prefix(void)
{
	if (log_prefix_depth == 0)
		return;
	log_prefix_depth--;
	if (log_prefix_depth < LOG_PREFIX_MAX) {
		free(log_prefixes[log_prefix_depth]);
		log_prefixes[log_prefix_depth] = NULL;
	}
}

/*
 * Return a malloc'd printable copy of len bytes of s: control characters,
 * backslash and bytes outside ASCII become \xNN (backslash "\\").  At
 * most max bytes of s are shown (0: no limit), then "...".
 */
char *
log_escape(const char *s, size_t len, size_t max)
{
	size_t	 i, n, cut = 0;
	char	*out, *p;
	unsigned char c;

	if (s == NULL)
		return xstrdup("(null)");
	if (max != 0 && len > max) {
		len = max;
		cut = 1;
	}
	if (len > (SIZE_MAX - 4) / 4)
		fatalx("log_escape: %zu bytes", len);
	p = out = xmalloc(len * 4 + 4);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\\') {
			*p++ = '\\';
			*p++ = '\\';
		} else if (c < 0x20 || c >= 0x7f) {
			n = snprintf(p, 5, "\\x%02x", c);
			p += n;
		} else
			*p++ = c;
	}
	if (cut) {
		memcpy(p, "...", 3);
		p += 3;
	}
	*p = '\0';
	return out;
}

static void __attribute__((noreturn))
log_vfatal(int with_errno, const char *fmt, va_list ap)
{
	char	*text;
	int	 saved = errno;

	if (vasprintf(&text, fmt, ap) == -1)
		text = NULL;
	if (with_errno)
		log_emit(AEMP_LOG_FATAL, NULL, NULL, 0, "%s: %s",
		    text != NULL ? text : fmt, strerror(saved));
	else
		log_emit(AEMP_LOG_FATAL, NULL, NULL, 0, "%s",
		    text != NULL ? text : fmt);
	free(text);
	exit(1);
}

/* Log at fatal level with the text of errno appended, then exit 1. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vfatal(1, fmt, ap);
	va_end(ap);
}

/* Log at fatal level, then exit 1. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vfatal(0, fmt, ap);
	va_end(ap);
}
