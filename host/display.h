/* display: the CPU time of a container's display server (Xvfb, Xorg, Xvnc), the cheap sign that its desktop changed. */
#ifndef HOST_DISPLAY_H
#define HOST_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

struct st_display;

/* A cache of which process is each container's display server, read
 * under proc_root ("/proc"). Free with st_display_free. */
struct st_display *st_display_new(const char *proc_root);
void st_display_free(struct st_display *d);

/* The CPU time (ns, user + system) of the display server of the container
 * whose init is key_pid and whose cgroup directory (one that lists its
 * tasks in cgroup.procs) is cgdir. The server is found once by name among
 * the cgroup's tasks and remembered while its pid and start time hold; a
 * container without one is looked at again every 10 s. 0, or -1 when it
 * has none (or it cannot be read). */
int st_display_cpu(struct st_display *d, int key_pid, const char *cgdir, uint64_t *ns);

#endif
