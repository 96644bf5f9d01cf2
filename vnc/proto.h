/* proto: the messages between sandtop and a sandtop-vnc worker; fixed-size headers, every size checked before use. */
#ifndef VNC_PROTO_H
#define VNC_PROTO_H

#include <stdint.h>

/*
 * Two pipes per worker. The worker reads main's messages on fd 0 and
 * writes its own on fd 1; fd 2 is main's log (O_APPEND), which the worker
 * writes sanitized lines to. A message is a struct vp_hdr then hdr.len
 * payload bytes. Integers are in host byte order (both ends are the same
 * machine). The reader rejects (and kills the worker on) a wrong magic, an
 * unknown type, or a len that does not match the type's rule below.
 */
#define VP_MAGIC 0x50565453u /* "STVP" in memory on little endian */

/* Limits both ends enforce. */
/* A frame is a grid of units one pixel wide and two tall: the half-block
 * cells of a picture drawn in characters, or, for a terminal that shows
 * real pixels, (pixels across) x (pixel rows / 2). */
#define VP_MAX_COLS 4096         /* units across a frame */
#define VP_MAX_ROWS 2048         /* units down a frame (pixel rows: 2x) */
#define VP_MAX_FB_W 4096         /* desktop pixels; a larger ServerInit is refused */
#define VP_MAX_FB_H 4096
#define VP_REASON_MAX 160        /* bytes of text in a state message, NUL included */

enum vp_type {
	/* worker -> main */
	VP_STATE = 1,      /* struct vp_state */
	VP_FRAME = 2,      /* struct vp_frame, then cols * rows * 2 pixels of 3 bytes (R, G, B),
	                      pixel row by pixel row, top to bottom (2 pixel rows per cell row) */
	VP_SHOT = 3,       /* struct vp_shot, then w * h pixels of 3 bytes (R, G, B), row by row */
	/* main -> worker */
	VP_GRID = 10,      /* struct vp_grid */
	VP_SHOT_REQ = 11,  /* no payload: send one VP_SHOT of the current desktop */
	VP_KEY = 12,       /* struct vp_key (ignored unless the worker was started with --input) */
	VP_POINTER = 13,   /* struct vp_pointer (same rule) */
};

struct vp_hdr {
	uint32_t magic;
	uint16_t type;     /* enum vp_type */
	uint16_t flags;    /* 0 */
	uint32_t len;      /* payload bytes after this header */
};

enum vp_state_code {
	VP_CONNECTING = 1, /* before ServerInit */
	VP_LIVE = 2,       /* updates arrive (or the server answers pings) */
	VP_STALLED = 3,    /* the server answered nothing for a while: paused sandbox, frozen server */
	VP_FAILED = 4,     /* last message before the worker exits: reason says why */
};

struct vp_state {
	uint32_t code;              /* enum vp_state_code */
	uint32_t fb_w, fb_h;        /* desktop size, 0 before ServerInit */
	char reason[VP_REASON_MAX]; /* NUL-terminated; worker's own words, may quote the server
	                               (main sanitizes before showing it) */
};

struct vp_frame {
	uint32_t seq;               /* increases by one per frame sent */
	uint16_t cols, rows;        /* cells of this frame: fitted into the grid asked for, aspect kept */
	uint32_t fb_w, fb_h;        /* desktop size the frame was made from */
};
/* payload length of a VP_FRAME: sizeof(struct vp_frame) + cols * rows * 6 */

struct vp_shot {
	uint32_t w, h;              /* <= VP_MAX_FB_W x VP_MAX_FB_H */
};
/* payload length of a VP_SHOT: sizeof(struct vp_shot) + w * h * 3 */

struct vp_grid {
	uint16_t cols, rows;        /* the largest grid main can show, 1..VP_MAX_COLS x 1..VP_MAX_ROWS */
	uint32_t fps_milli;         /* frames per 1000 s: 10000 = 10 fps; 0 = hidden (stop reading) */
};

struct vp_key {
	uint32_t keysym;            /* X keysym */
	uint32_t down;              /* 1 press, 0 release */
};

struct vp_pointer {
	int32_t x, y;               /* desktop pixels */
	uint32_t buttons;           /* RFB button mask: 1 left, 2 middle, 4 right, 8/16 wheel */
};

#endif
