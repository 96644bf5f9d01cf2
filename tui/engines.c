/* engines: the screen's engines as one list: their inventories indexed as one, the engine of a sandbox, its numbers, what is summed over them, and a ping to each to tell one that stopped answering. */
#include "tui/ui.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "docker/inventory.h"
#include "isolation/run.h"

size_t ui_inv_count(const struct ui *ui)
{
	size_t n = 0;
	for (size_t e = 0; e < ui->o->nengines; e++)
		n += inv_count(ui->o->engines[e].inv);
	return n;
}

const struct dk_container *ui_inv_get(const struct ui *ui, size_t i)
{
	for (size_t e = 0; e < ui->o->nengines; e++) {
		size_t n = inv_count(ui->o->engines[e].inv);
		if (i < n)
			return inv_get(ui->o->engines[e].inv, i);
		i -= n;
	}
	return NULL;
}

const struct dk_container *ui_inv_find(const struct ui *ui, const char *id)
{
	for (size_t e = 0; e < ui->o->nengines; e++) {
		const struct inventory *inv = ui->o->engines[e].inv;
		for (size_t i = 0; i < inv_count(inv); i++)
			if (!strcmp(inv_get(inv, i)->id, id))
				return inv_get(inv, i);
	}
	return NULL;
}

uint64_t ui_inv_generation(const struct ui *ui)
{
	uint64_t g = 0;   /* each only grows: the sum changes whenever one does */
	for (size_t e = 0; e < ui->o->nengines; e++)
		g += inv_generation(ui->o->engines[e].inv);
	return g;
}

uint64_t ui_coll_generation(const struct ui *ui)
{
	uint64_t g = 0;
	for (size_t e = 0; e < ui->o->nengines; e++)
		if (ui->o->engines[e].coll)
			g += coll_generation(ui->o->engines[e].coll);
	return g;
}

uint64_t ui_iso_generation(const struct ui *ui)
{
	uint64_t g = 0;
	for (size_t e = 0; e < ui->o->nengines; e++)
		if (ui->o->engines[e].iso)
			g += iso_runner_generation(ui->o->engines[e].iso);
	return g;
}

size_t ui_eng_index(const struct ui *ui, const struct dk_container *c)
{
	/* a container of an inventory: by where it lives */
	for (size_t e = 0; e < ui->o->nengines; e++) {
		const struct inventory *inv = ui->o->engines[e].inv;
		size_t n = inv_count(inv);
		if (n && (uintptr_t)c >= (uintptr_t)inv_get(inv, 0) && (uintptr_t)c <= (uintptr_t)inv_get(inv, n - 1))
			return e;
	}
	/* a copy: by its id */
	for (size_t e = 0; c && e < ui->o->nengines; e++) {
		const struct inventory *inv = ui->o->engines[e].inv;
		for (size_t i = 0; i < inv_count(inv); i++)
			if (!strcmp(inv_get(inv, i)->id, c->id))
				return e;
	}
	return 0;
}

const struct tui_engine *ui_eng(const struct ui *ui, const struct dk_container *c)
{
	return &ui->o->engines[ui_eng_index(ui, c)];
}

/* Running, paused or restarting: fmt_is_up's words (kept here, so that
 * fmt.c, which asks this file, is not asked back). */
static bool up(const struct dk_container *c)
{
	static const char *const words[] = {"running", "paused", "restarting"};
	for (size_t i = 0; c->state && i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(c->state, words[i]))
			return true;
	return false;
}

const struct st_view *ui_stats(const struct ui *ui, const struct dk_container *c)
{
	const struct collector *co = ui_eng(ui, c)->coll;
	return co && up(c) ? coll_get(co, c->id) : NULL;
}

const struct collector *ui_coll_first(const struct ui *ui)
{
	for (size_t e = 0; e < ui->o->nengines; e++)
		if (ui->o->engines[e].coll)
			return ui->o->engines[e].coll;
	return NULL;
}

bool ui_inv_all(const struct ui *ui)
{
	return inv_all(ui->o->engines[0].inv);
}

void ui_inv_set_all(struct ui *ui, bool all)
{
	for (size_t e = 0; e < ui->o->nengines; e++)
		inv_set_all(ui->o->engines[e].inv, all);
}

void ui_inv_resync(struct ui *ui)
{
	for (size_t e = 0; e < ui->o->nengines; e++)
		inv_resync(ui->o->engines[e].inv);
}

bool ui_can_act(const struct ui *ui)
{
	return !ui->o->read_only && ui->o->engines[0].act;
}

const char *ui_act_problem(const struct ui *ui)
{
	for (size_t e = 0; e < ui->o->nengines; e++) {
		const char *p = ui->o->engines[e].act ? act_problem(ui->o->engines[e].act) : NULL;
		if (p)
			return p;   /* one journal for all: the first engine's word on it */
	}
	return NULL;
}

/* ---- is each engine there: a ping every few seconds (several engines) ----
 * A wedged engine keeps its connections open and says nothing: the
 * inventory learns it only when its next list times out (up to its resync
 * and request timeouts, 50 s). With several engines the screen asks each
 * one itself, so that its banner comes within seconds while the others go
 * on. */
#define UI_PROBE_EVERY_MS 5000
#define UI_PROBE_WAIT_MS 5000

struct ui_probe {
	bool out;              /* a ping in flight */
	int64_t next_ms;       /* when to send the next */
	int64_t sent_ms;
	bool silent;           /* the last ping got no answer */
	int64_t silent_since_ms;
};

static void on_ping(void *ud, int rc, const struct err *e)
{
	struct ui_probe *p = ud;
	(void)e;
	p->out = false;
	if (rc == 0) {
		p->silent = false;
	} else if (!p->silent) {
		p->silent = true;
		p->silent_since_ms = p->sent_ms;
	}
}

int ui_probes_tick(struct ui *ui, int64_t now_ms)
{
	size_t ne = ui->o->nengines;
	if (ne < 2)
		return -1;
	if (!ui->probes)
		ui->probes = xcalloc(ne, sizeof *ui->probes);
	int64_t next = -1;
	for (size_t e = 0; e < ne; e++) {
		struct ui_probe *p = &ui->probes[e];
		if (!p->out && now_ms >= p->next_ms) {
			p->out = true;
			p->sent_ms = now_ms;
			p->next_ms = now_ms + UI_PROBE_EVERY_MS;
			dk_ping(ui->o->engines[e].client, UI_PROBE_WAIT_MS, on_ping, p);
		}
		if (!p->out && (next < 0 || p->next_ms - now_ms < next))
			next = p->next_ms - now_ms;
	}
	return next < 0 ? -1 : next > 1000 ? 1000 : (int)next;
}

bool ui_eng_silent(const struct ui *ui, size_t e, int64_t *since_ms)
{
	if (!ui->probes || e >= ui->o->nengines || !ui->probes[e].silent)
		return false;
	if (since_ms)
		*since_ms = ui->probes[e].silent_since_ms;
	return true;
}

void ui_probes_free(struct ui *ui)
{
	free(ui->probes);   /* the clients' requests die with them, unanswered */
	ui->probes = NULL;
}
