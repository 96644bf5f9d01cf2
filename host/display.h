/* display: the CPU time of a container's display server (Xvfb, Xorg, Xvnc), the cheap sign that its desktop changed. */
#ifndef HOST_DISPLAY_H
#define HOST_DISPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct st_display;

/* A cache of which process is each container's display server, read
 * under proc_root ("/proc"), holding at most max_fds descriptors (one per
 * server, its schedstat). Free with st_display_free (closes them). */
struct st_display *st_display_new(const char *proc_root, size_t max_fds);
void st_display_free(struct st_display *d);

/* Forget the container whose init is key_pid (gone, or no longer read):
 * its descriptor is closed. */
void st_display_forget(struct st_display *d, int key_pid);

/* The CPU time (ns, user + system) of the display server of the container
 * whose init is key_pid and whose cgroup directory (one that lists its
 * tasks in cgroup.procs) is cgdir. The server is found once by name among
 * the cgroup's tasks and remembered while it lives; its time is exact (ns,
 * its schedstat) while a descriptor is held, else in 10 ms ticks. A
 * container without one is looked at again after 10 s, then less often.
 * 0, or -1 when it has none (or it cannot be read). */
int st_display_cpu(struct st_display *d, int key_pid, const char *cgdir, uint64_t *ns);

#endif
