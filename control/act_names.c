/* act_names: the actions' names (pause, stop, freeze-all ...) and the other names the command line takes for them. */
#include "control/actions.h"

#include <string.h>

static const char *const names[ACT_COUNT] = {
	[ACT_PAUSE] = "pause", [ACT_UNPAUSE] = "unpause", [ACT_STOP] = "stop", [ACT_KILL] = "kill",
	[ACT_RESTART] = "restart", [ACT_REMOVE] = "remove", [ACT_QUARANTINE] = "quarantine",
	[ACT_FREEZE_ALL] = "freeze-all", [ACT_KILL_ALL] = "kill-all",
};

/* Other names the command line takes. */
static const struct {
	const char *name;
	enum act_kind kind;
} aliases[] = {{"freeze", ACT_PAUSE}, {"thaw", ACT_UNPAUSE}};

const char *act_name(enum act_kind k)
{
	return (int)k >= 0 && k < ACT_COUNT ? names[k] : "?";
}

int act_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int k = 0; k < ACT_COUNT; k++)
		if (!strcmp(name, names[k]))
			return k;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (!strcmp(name, aliases[i].name))
			return (int)aliases[i].kind;
	return -1;
}
