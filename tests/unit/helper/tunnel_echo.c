/* tunnel_echo: an echoing tunnel checked end to end (see tunnel_echo.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/helper/tunnel_echo.h"

void tunnel_echoed(struct dk_client *c, struct side *s, const char *p, size_t n, int ms, const char *tail)
{
	side_loop(c, s, 1, ms, side_at_eof);
	assert_int_equal(s->rc, 0);
	assert_int_equal(s->out_off, n);
	side_assert_echoed(s, p, n, tail);
	dk_tunnel_close(s->t);
	side_free(s);
}

void tunnel_echo(struct dk_client *c, const char *name, const char *const *argv, const char *p, size_t n, int ms,
                 const char *tail)
{
	struct side s;
	side_init(&s);
	side_send(&s, p, n);
	s.t = dk_tunnel_open(c, name, argv, side_on_tunnel, &s);
	tunnel_echoed(c, &s, p, n, ms, tail);
}
