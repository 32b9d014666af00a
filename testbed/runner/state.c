/* Per-scenario name tables (regions; fds and rings) and the `@OFF=...` fixups that turn names
 * into addresses and fd numbers. Each scenario runs in a fresh forked child, so plain static
 * tables start empty every time. */
#include <string.h>

#include "runner.h"

static struct region regions[MAX_REGIONS];
static int nregions;
static struct handle handles[MAX_HANDLES];
static int nhandles;

struct region *region_find(const char *name)
{
	for (int i = 0; i < nregions; i++)
		if (!strcmp(regions[i].name, name))
			return &regions[i];
	return NULL;
}

struct region *region_add(const char *name)
{
	struct region *r;

	if (!valid_name(name))
		return fail("bad region name '%s'", name), NULL;
	if (region_find(name))
		return fail("region '%s' already exists", name), NULL;
	if (nregions == MAX_REGIONS)
		return fail("more than %d regions", MAX_REGIONS), NULL;
	r = &regions[nregions++];
	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	return r;
}

struct region *region_span(const char *name, uint64_t off, uint64_t len)
{
	struct region *r = region_find(name);

	if (!r || !r->base)
		return fail("no region '%s'", name), NULL;
	if (r->unmapped)
		return fail("region '%s' was unmapped", name), NULL;
	if (off > r->size || len > r->size - off)
		return fail("%s: range %llu+%llu is outside its %zu bytes", name,
			    (unsigned long long)off, (unsigned long long)len, r->size), NULL;
	return r;
}

struct region *region_containing(uint64_t addr, uint64_t len)
{
	for (int i = 0; i < nregions; i++) {
		uint64_t base = (uint64_t)(uintptr_t)regions[i].base;

		if (regions[i].base && !regions[i].unmapped && addr >= base && addr - base <= regions[i].size &&
		    len <= regions[i].size - (addr - base))
			return &regions[i];
	}
	return NULL;
}

struct handle *handle_find(const char *name)
{
	for (int i = 0; i < nhandles; i++)
		if (!strcmp(handles[i].name, name))
			return &handles[i];
	return NULL;
}

struct handle *handle_add(const char *name)
{
	struct handle *h;

	if (!valid_name(name))
		return fail("bad fd name '%s'", name), NULL;
	if (handle_find(name))
		return fail("fd or ring '%s' already exists", name), NULL;
	if (nhandles == MAX_HANDLES)
		return fail("more than %d fds", MAX_HANDLES), NULL;
	h = &handles[nhandles++];
	memset(h, 0, sizeof(*h));
	strcpy(h->name, name);
	h->fd = -1;
	return h;
}

static void put_le(uint8_t *p, uint64_t v, int width)
{
	for (int i = 0; i < width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* One fixup `@OFF=KIND:...`. */
static int apply_fixup(uint8_t *buf, size_t len, char *spec)
{
	char *eq = strchr(spec, '='), *kind, *arg;
	uint64_t off, value;
	int width = 8;

	if (spec[0] != '@' || !eq || eq[1] == '\0' || eq[2] != ':')
		return fail("bad fixup '%s'", spec);
	*eq = '\0';
	kind = eq + 1;
	arg = eq + 3;
	if (parse_u64(spec + 1, &off))
		return fail("bad fixup offset '%s'", spec + 1);

	switch (*kind) {
	case 'a': {
		/* a:REGION:ADD (ADD may be left out, meaning 0) */
		char *colon = strchr(arg, ':');
		int64_t add = 0;
		struct region *r;

		if (colon) {
			*colon = '\0';
			if (parse_s64(colon + 1, &add))
				return fail("bad fixup addend '%s'", colon + 1);
		}
		r = region_find(arg);
		if (!r || !r->base)
			return fail("fixup names no region '%s'", arg);
		value = (uint64_t)(uintptr_t)r->base + (uint64_t)add;
		break;
	}
	case 'f': {
		struct handle *h = handle_find(arg);

		if (!h)
			return fail("fixup names no fd '%s'", arg);
		value = (uint64_t)(int64_t)h->fd;
		width = 4;
		break;
	}
	case 'k': {
		int64_t v;

		if (parse_s64(arg, &v))
			return fail("bad fixup value '%s'", arg);
		value = (uint64_t)v;
		break;
	}
	default:
		return fail("unknown fixup kind '%c'", *kind);
	}
	if (off > len || (uint64_t)width > len - off)
		return fail("fixup at %llu does not fit in %zu bytes", (unsigned long long)off, len);
	put_le(buf + off, value, width);
	return 0;
}

int apply_fixups(uint8_t *buf, size_t len, char **tok, int ntok)
{
	for (int i = 0; i < ntok; i++)
		if (apply_fixup(buf, len, tok[i]))
			return -1;
	return 0;
}
