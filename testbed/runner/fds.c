/* File descriptors the scenarios work on: pipes, sockets, eventfds, regular files, block
 * devices; plain read/write/close on them (and on rings). Creation records `fd NAME RET` with
 * RET 0 or -errno; a failed creation still binds the names, to fd -1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runner.h"

/* Binds the names first so a taken name is an error before anything is created. */
static int bind_names(char **names, int n, struct handle **out)
{
	for (int i = 0; i < n; i++)
		if (!(out[i] = handle_add(names[i])))
			return -1;
	return 0;
}

static int finish_pair(char **tok, struct handle **h, int ret, const int fds[2])
{
	if (ret == 0) {
		h[0]->fd = fds[0];
		h[1]->fd = fds[1];
	}
	rec("fd %s %d", tok[1], ret);
	return 0;
}

/* pipe RFD WFD */
int op_pipe(char **tok, int ntok)
{
	struct handle *h[2];
	int fds[2], ret;

	(void)ntok;
	if (bind_names(tok + 1, 2, h))
		return -1;
	ret = pipe2(fds, O_CLOEXEC) ? -errno : 0;
	return finish_pair(tok, h, ret, fds);
}

/* unixpair A B */
int op_unixpair(char **tok, int ntok)
{
	struct handle *h[2];
	int fds[2], ret;

	(void)ntok;
	if (bind_names(tok + 1, 2, h))
		return -1;
	ret = socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) ? -errno : 0;
	return finish_pair(tok, h, ret, fds);
}

/* dgrampair A B -> fd A RET: socketpair(AF_UNIX, SOCK_DGRAM) */
int op_dgrampair(char **tok, int ntok)
{
	struct handle *h[2];
	int fds[2], ret;

	(void)ntok;
	if (bind_names(tok + 1, 2, h))
		return -1;
	ret = socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) ? -errno : 0;
	return finish_pair(tok, h, ret, fds);
}

/* Two AF_INET SOCK_DGRAM sockets on 127.0.0.1, each bound to an ephemeral port and connect()ed
 * to the other, so SEND and RECV need no address. Returns 0 or -errno. */
static int udp_connect_pair(int fds[2], int do_connect)
{
	struct sockaddr_in addr[2];
	socklen_t alen;
	int ret = 0;

	fds[0] = fds[1] = -1;
	for (int i = 0; i < 2; i++) {
		memset(&addr[i], 0, sizeof(addr[i]));
		addr[i].sin_family = AF_INET;
		addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		alen = sizeof(addr[i]);
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&addr[i], sizeof(addr[i])) ||
		    getsockname(fds[i], (struct sockaddr *)&addr[i], &alen))
			goto err;
	}
	if (do_connect && (connect(fds[0], (struct sockaddr *)&addr[1], sizeof(addr[1])) ||
			   connect(fds[1], (struct sockaddr *)&addr[0], sizeof(addr[0]))))
		goto err;
	return 0;
err:
	ret = -errno;
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}

/* udppair A B [CONNECT] -> fd A RET: a connected UDP pair over loopback, or with CONNECT 0 two
 * bound, unconnected sockets (the ports are the kernel's choice, so a scenario must not record
 * them) */
int op_udppair(char **tok, int ntok)
{
	struct handle *h[2];
	uint32_t do_connect = 1;
	int fds[2];

	if (ntok > 3 && (parse_u32(tok[3], &do_connect) || do_connect > 1))
		return fail("udppair: CONNECT must be 0 or 1");
	if (bind_names(tok + 1, 2, h))
		return -1;
	return finish_pair(tok, h, udp_connect_pair(fds, (int)do_connect), fds);
}

/* A connected TCP pair over 127.0.0.1: fds[0] connected, fds[1] accepted. Returns 0 or -errno. */
static int tcp_connect_pair(int fds[2])
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t alen = sizeof(addr);
	int lfd, cfd = -1, afd = -1, ret = 0;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		return -errno;
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen))
		goto err;
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || connect(cfd, (struct sockaddr *)&addr, sizeof(addr)))
		goto err;
	afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (afd < 0)
		goto err;
	close(lfd);
	fds[0] = cfd;
	fds[1] = afd;
	return 0;
err:
	ret = -errno;
	if (cfd >= 0)
		close(cfd);
	close(lfd);
	return ret;
}

/* tcppair A B */
int op_tcppair(char **tok, int ntok)
{
	struct handle *h[2];
	int fds[2];

	(void)ntok;
	if (bind_names(tok + 1, 2, h))
		return -1;
	return finish_pair(tok, h, tcp_connect_pair(fds), fds);
}

/* Used by `require tcp`: can this system do TCP over loopback at all? */
int tcp_available(void)
{
	int fds[2];

	if (tcp_connect_pair(fds))
		return 0;
	close(fds[0]);
	close(fds[1]);
	return 1;
}

/* eventfd FD INITVAL FLAGS */
int op_eventfd(char **tok, int ntok)
{
	uint32_t initval, flags;
	struct handle *h;
	int fd;

	(void)ntok;
	if (parse_u32(tok[2], &initval) || parse_u32(tok[3], &flags))
		return fail("eventfd: bad number");
	if (!(h = handle_add(tok[1])))
		return -1;
	fd = eventfd(initval, (int)flags);
	h->fd = fd;
	rec("fd %s %d", tok[1], fd < 0 ? -errno : 0);
	return 0;
}

static void pattern(uint8_t *buf, size_t len, uint64_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
}

/* A writable directory on filesystem FS ("tmpfs" or "ext4"), or NULL when this machine has none.
 * Natively /dev/shm is tmpfs and the host's /tmp is usually ext4; the guest's /init mounts
 * tmpfs on /tmp and an ext4 ram disk on /mnt/ext4. Each candidate is checked with statfs(). */
const char *fs_dir(const char *fs)
{
	static const char *const tmpfs_dirs[] = { "/dev/shm", "/tmp", NULL };
	static const char *const ext4_dirs[] = { "/mnt/ext4", "/tmp", "/var/tmp", NULL };
	const char *const *c;
	long magic;

	if (!strcmp(fs, "tmpfs")) {
		c = tmpfs_dirs;
		magic = 0x01021994; /* TMPFS_MAGIC */
	} else if (!strcmp(fs, "ext4")) {
		c = ext4_dirs;
		magic = 0xEF53; /* EXT4_SUPER_MAGIC */
	} else {
		return NULL;
	}
	for (; *c; c++) {
		struct statfs sf;

		if (statfs(*c, &sf) == 0 && (long)sf.f_type == magic && access(*c, W_OK) == 0)
			return *c;
	}
	return NULL;
}

/* An unnamed regular file in DIR, or when DIR is NULL in $TMPDIR (default /tmp: ext4 on the
 * host, tmpfs in the guest). */
static int open_tmpfile(const char *dir)
{
	char path[4096];
	int fd;

	if (!dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* No O_TMPFILE on this filesystem: create and unlink. */
	snprintf(path, sizeof(path), "%s/uringlab-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Reopens the file behind FD through /proc/self/fd with FLAGS (an access mode, maybe O_APPEND)
 * and closes FD; returns the new fd or -errno. */
static int reopen_with(int fd, uint32_t flags)
{
	char path[64];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (int)flags | O_CLOEXEC);
	if (nfd < 0)
		nfd = -errno;
	close(fd);
	return nfd;
}

/* tmpfile FD SIZE SEED [FLAGS [FS]]: filled through an O_RDWR fd, then reopened with FLAGS; FS
 * (tmpfs, ext4) picks the filesystem, `-` (or none) the default directory */
int op_tmpfile(char **tok, int ntok)
{
	uint64_t size, seed;
	uint32_t flags = O_RDWR;
	struct handle *h;
	uint8_t chunk[65536];
	const char *dir = NULL;
	int fd, ret = 0;

	if (parse_u64(tok[2], &size) || parse_u64(tok[3], &seed) || size > MAX_TMPFILE_SIZE)
		return fail("tmpfile: bad size or seed");
	if (ntok > 4 && (parse_u32(tok[4], &flags) || (flags & ~(uint32_t)(O_ACCMODE | O_APPEND)) ||
			 (flags & O_ACCMODE) == O_ACCMODE))
		return fail("tmpfile: FLAGS is an access mode, maybe with O_APPEND");
	if (ntok > 5 && strcmp(tok[5], "-") && !(dir = fs_dir(tok[5])))
		return fail("tmpfile: no writable %s directory here (require fs:%s first)", tok[5], tok[5]);
	if (!(h = handle_add(tok[1])))
		return -1;
	fd = open_tmpfile(dir);
	if (fd < 0)
		ret = -errno;
	for (uint64_t done = 0; ret == 0 && done < size;) {
		size_t n = size - done < sizeof(chunk) ? (size_t)(size - done) : sizeof(chunk);
		ssize_t w;

		pattern(chunk, n, seed + done);
		w = pwrite(fd, chunk, n, (off_t)done);
		if (w < 0)
			ret = -errno;
		else
			done += (uint64_t)w;
	}
	if (ret == 0 && flags != O_RDWR) {
		fd = reopen_with(fd, flags);
		if (fd < 0)
			ret = fd;
	}
	if (ret && fd >= 0) {
		close(fd);
		fd = -1;
	}
	h->fd = ret ? -1 : fd;
	rec("fd %s %d", tok[1], ret);
	return 0;
}

/* blockdev FD PATH ODIRECT */
int op_blockdev(char **tok, int ntok)
{
	uint32_t odirect;
	struct handle *h;
	int fd;

	(void)ntok;
	if (parse_u32(tok[3], &odirect) || odirect > 1)
		return fail("blockdev: ODIRECT must be 0 or 1");
	if (!(h = handle_add(tok[1])))
		return -1;
	fd = open(tok[2], O_RDWR | O_CLOEXEC | (odirect ? O_DIRECT : 0));
	h->fd = fd;
	rec("fd %s %d", tok[1], fd < 0 ? -errno : 0);
	return 0;
}

static struct handle *need_handle(const char *name)
{
	struct handle *h = handle_find(name);

	if (!h)
		fail("no fd '%s'", name);
	return h;
}

/* write FD LEN SEED -> io FD RET. Bounded by the watchdog like enter. */
int op_write(char **tok, int ntok)
{
	struct handle *h = need_handle(tok[1]);
	uint64_t len, seed;
	uint8_t *buf;
	ssize_t n;

	(void)ntok;
	if (!h)
		return -1;
	if (parse_u64(tok[2], &len) || parse_u64(tok[3], &seed) || len > MAX_IO_LEN)
		return fail("write: bad length or seed");
	if (!(buf = malloc(len ? len : 1)))
		return fail("out of memory");
	pattern(buf, len, seed);
	watchdog_arm();
	n = write(h->fd, buf, len);
	if (n < 0)
		n = -errno;
	watchdog_disarm();
	free(buf);
	rec("io %s %zd", tok[1], n);
	return 0;
}

/* writemem FD REGION OFF LEN -> io FD RET: write(2) of bytes a region holds. Bounded by the
 * watchdog. */
int op_writemem(char **tok, int ntok)
{
	struct handle *h = need_handle(tok[1]);
	uint64_t off, len;
	struct region *r;
	ssize_t n;

	(void)ntok;
	if (!h)
		return -1;
	if (parse_u64(tok[3], &off) || parse_u64(tok[4], &len))
		return fail("writemem: bad offset or length");
	if (!(r = region_span(tok[2], off, len)))
		return -1;
	watchdog_arm();
	n = write(h->fd, r->base + off, len);
	if (n < 0)
		n = -errno;
	watchdog_disarm();
	rec("io %s %zd", tok[1], n);
	return 0;
}

/* poll FD EVENTS TIMEOUT_MS -> poll FD RET REVENTS: poll(2) of one fd (TIMEOUT_MS -1 waits until
 * the watchdog interrupts it, -EINTR; a finite one times out, 0, whatever the watchdog's length).
 * REVENTS is 0 unless RET is 1. */
int op_poll(char **tok, int ntok)
{
	struct handle *h = need_handle(tok[1]);
	struct pollfd p;
	uint32_t events;
	int64_t timeout;
	int ret;

	(void)ntok;
	if (!h)
		return -1;
	if (parse_u32(tok[2], &events) || events > 0xffff || parse_s64(tok[3], &timeout) || timeout < -1 ||
	    timeout > INT_MAX)
		return fail("poll: bad events or timeout");
	p.fd = h->fd;
	p.events = (short)events;
	p.revents = 0;
	/* A finite timeout ends the poll by itself: the watchdog, which may be shorter (the fuzzer's
	 * is 100 ms), must not turn it into -EINTR, nor fire first on a starved guest (TCG) that
	 * wakes late from both timers. Only an infinite poll needs it; the budget bounds the rest. */
	if (timeout < 0)
		watchdog_arm();
	ret = poll(&p, 1, (int)timeout);
	if (ret < 0)
		ret = -errno;
	if (timeout < 0)
		watchdog_disarm();
	rec("poll %s %d %u", tok[1], ret, ret > 0 ? (unsigned)(unsigned short)p.revents : 0u);
	return 0;
}

/* read FD LEN -> io FD RET HEX (HEX left out when nothing was read). Bounded by the watchdog. */
int op_read(char **tok, int ntok)
{
	struct handle *h = need_handle(tok[1]);
	uint64_t len;
	uint8_t *buf;
	ssize_t n;

	(void)ntok;
	if (!h)
		return -1;
	if (parse_u64(tok[2], &len) || len > MAX_IO_LEN)
		return fail("read: bad length");
	if (!(buf = malloc(len ? len : 1)))
		return fail("out of memory");
	watchdog_arm();
	n = read(h->fd, buf, len);
	if (n < 0)
		n = -errno;
	watchdog_disarm();
	rec_hex(buf, n > 0 ? (size_t)n : 0, "io %s %zd", tok[1], n);
	free(buf);
	return 0;
}

/* close FD -> close FD RET. A ring's own mappings go first, as liburing's queue_exit does, so
 * that closing really tears the ring down. The name keeps its old number for `f:` fixups. */
int op_close(char **tok, int ntok)
{
	struct handle *h = need_handle(tok[1]);
	int ret;

	(void)ntok;
	if (!h)
		return -1;
	if (h->ring)
		ring_unmap(h->ring);
	ret = close(h->fd) ? -errno : 0;
	rec("close %s %d", tok[1], ret);
	return 0;
}

/* fstat FD -> stat FD RET SIZE POS: fstat(2)'s st_size and lseek(FD, 0, SEEK_CUR) (-errno for a
 * file without a position) */
int op_fstat(char **tok, int ntok)
{
	struct handle *h = handle_find(tok[1]);
	struct stat st;
	long long pos;
	int ret;

	(void)ntok;
	if (!h)
		return fail("no fd '%s'", tok[1]);
	ret = fstat(h->fd, &st) ? -errno : 0;
	pos = lseek(h->fd, 0, SEEK_CUR);
	if (pos < 0)
		pos = -errno;
	rec("stat %s %d %lld %lld", tok[1], ret, ret ? 0LL : (long long)st.st_size, ret ? 0LL : pos);
	return 0;
}
