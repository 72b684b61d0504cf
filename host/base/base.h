/*
 * base.h: the bottom layer of the host: memory helpers, logging, the
 * settings in force, the built-in JSON codec and small utilities.
 * Values themselves are declared in sdk/aemp.h.
 */

#ifndef BASE_H
#define BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "aemp.h"
#include "aemp-module.h"

struct event_base;
struct evbuffer;

#define printflike(a, b) __attribute__((format(printf, a, b)))

/* xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
int		 xasprintf(char **, const char *, ...) printflike(2, 3);
int		 xvasprintf(char **, const char *, va_list);

/* value.c: aemp_map_get for a key of explicit length. */
struct aemp_val	*value_map_get_n(const struct aemp_val *, const char *, size_t);

/* log.c */
extern int	 log_threshold;		/* AEMP_VERBOSE, default 6 */
extern int	 log_trace_on;		/* AEMP_TRACE */
void		 log_init(void);
void		 log_set_node(const char *node);
void		 log_emit(int, const char *, const char *, int, const char *,
		    ...) printflike(5, 6);
void		 log_vemit(int, const char *, const char *, int,
		    const char *, va_list);
void		 log_push_prefix(const char *);
void		 log_pop_prefix(void);
char		*log_escape(const char *, size_t, size_t);
void		 fatal(const char *, ...) printflike(1, 2)
		    __attribute__((noreturn));
void		 fatalx(const char *, ...) printflike(1, 2)
		    __attribute__((noreturn));

#define log_at(lvl, ...)						\
	do {								\
		if ((lvl) <= log_threshold)				\
			log_emit((lvl), __FILE__, __func__, __LINE__,	\
			    __VA_ARGS__);				\
	} while (0)
#define log_fatal(...)	log_at(AEMP_LOG_FATAL, __VA_ARGS__)
#define log_crit(...)	log_at(AEMP_LOG_CRIT, __VA_ARGS__)
#define log_error(...)	log_at(AEMP_LOG_ERROR, __VA_ARGS__)
#define log_warn(...)	log_at(AEMP_LOG_WARN, __VA_ARGS__)
#define log_note(...)	log_at(AEMP_LOG_NOTE, __VA_ARGS__)
#define log_info(...)	log_at(AEMP_LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_at(AEMP_LOG_DEBUG, __VA_ARGS__)
#define log_trace(...)	log_at(AEMP_LOG_TRACE, __VA_ARGS__)
/* _f variants prefix the function name. */
#define log_error_f(fmt, ...)	log_error("%s: " fmt, __func__, ##__VA_ARGS__)
#define log_warn_f(fmt, ...)	log_warn("%s: " fmt, __func__, ##__VA_ARGS__)
#define log_debug_f(fmt, ...)	log_debug("%s: " fmt, __func__, ##__VA_ARGS__)
/* _r variants append the text of an AEMP_ERR_* code. */
#define log_error_r(r, fmt, ...)					\
	log_error(fmt ": %s", ##__VA_ARGS__, aemp_strerror(r))
#define log_warn_r(r, fmt, ...)						\
	log_warn(fmt ": %s", ##__VA_ARGS__, aemp_strerror(r))

/* settings.c: the merged configuration in force (a map). */
void		 settings_set(struct aemp_val *);
struct aemp_val	*settings_all(void);
struct aemp_val	*settings_get(const char *);
double		 settings_number(const char *, double);
int		 settings_bool(const char *, int);
const char	*settings_string(const char *, const char *);
void		 settings_free(void);

/* json.c: the built-in JSON framing codec and relaxed parsing. */
extern const struct aemp_codec json_codec;
int		 json_encode_value(struct evbuffer *, const struct aemp_val *);
int		 json_parse_relaxed(const char *, size_t, struct aemp_val **,
		    char **);
char		*json_pretty(const struct aemp_val *);
size_t		 json_decoder_parses(const void *);

/* codec.c: the table of framing codecs by name. */
int		 codec_register(const struct aemp_codec *);
const struct aemp_codec *codec_find(const char *);
void		 codec_free_all(void);

/* random.c: CSPRNG-backed identifiers. */
int		 random_bytes(void *, size_t);
void		 random_alnum(char *, size_t);
void		 random_runiq(char out[11]);

/* util.c */
char		*util_node_of(const char *);
const char	*util_port_name(const char *);
const char	*util_hostname(void);
double		 util_now(void);

#endif /* BASE_H */
