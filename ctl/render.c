/*
 * Rendering of stats blocks and dump text, as conntrackd prints them or as
 * JSON.  The text layouts are those of cli.md section 6, field for field.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "render.h"

typedef unsigned long long ull;

static const char *
link_kind_text(uint64_t v)
{
	return v == 1 ? "multicast" : v == 3 ? "TCP" : "UDP";
}

static const char *
link_status_text(uint64_t v)
{
	return v == LINKSTAT_DOWN ? "DOWN" :
	    v == LINKSTAT_NO_CARRIER ? "NO-CARRIER" : "RUNNING";
}

static const char *
process_type_text(uint64_t v)
{
	return v == 1 ? "flush" : v == 2 ? "commit" : "any";
}

void
render_uptime(char *buf, size_t len, unsigned long long secs)
{
	ull days = secs / 86400, hours = secs % 86400 / 3600;
	ull mins = secs % 3600 / 60;
	size_t n = 0;

	buf[0] = '\0';
	if (days > 0)
		n = (size_t)snprintf(buf, len, "%llu %s ", days,
		    days == 1 ? "day" : "days");
	if (n >= len)
		return;
	if (hours > 0)
		snprintf(buf + n, len - n, "%llu h %llu min", hours, mins);
	else
		snprintf(buf + n, len - n, "%llu min", mins);
}

static void
text_cache(FILE *o, const struct stats_block *b)
{
	const uint64_t *v = b->v;

	fprintf(o, "cache %s:\n", b->label);
	fprintf(o, "current active connections:\t%12llu\n",
	    (ull)v[ST_CACHE_ACTIVE]);
	fprintf(o, "connections created:\t\t%12llu\tfailed:\t%12llu\n",
	    (ull)v[ST_CACHE_CREATED], (ull)v[ST_CACHE_CREATE_FAILED]);
	fprintf(o, "connections updated:\t\t%12llu\tfailed:\t%12llu\n",
	    (ull)v[ST_CACHE_UPDATED], (ull)v[ST_CACHE_UPDATE_FAILED]);
	fprintf(o, "connections destroyed:\t\t%12llu\tfailed:\t%12llu\n\n",
	    (ull)v[ST_CACHE_DESTROYED], (ull)v[ST_CACHE_DESTROY_FAILED]);
}

static void
text_link_counters(FILE *o, const uint64_t *v)
{
	fprintf(o, "%20llu Bytes sent %20llu Bytes recv\n",
	    (ull)v[ST_LINK_BYTES_SENT],
	    (ull)v[ST_LINK_BYTES_RECV]);
	fprintf(o, "%20llu Pckts sent %20llu Pckts recv\n",
	    (ull)v[ST_LINK_PACKETS_SENT],
	    (ull)v[ST_LINK_PACKETS_RECV]);
	fprintf(o, "%20llu Error send %20llu Error recv\n\n",
	    (ull)v[ST_LINK_ERRORS_SEND],
	    (ull)v[ST_LINK_ERRORS_RECV]);
}

static void
text_link(FILE *o, const struct stats_block *b)
{
	const uint64_t *v = b->v;

	if (b->kind == SB_LINK_ACTIVE && v[ST_LINK_KIND] == 3)
		fprintf(o, "TCP traffic (active device=%s) server=%s "
		    "client=%s:\n", b->label,
		    v[ST_LINK_SERVER_CONNECTED] ? "connected" : "disconnected",
		    v[ST_LINK_CLIENT_CONNECTED] ? "connected" : "disconnected");
	else if (b->kind == SB_LINK_ACTIVE)
		fprintf(o, "%s traffic (active device=%s):\n",
		    link_kind_text(v[ST_LINK_KIND]), b->label);
	else
		fprintf(o, "%s traffic device=%s status=%s role=%s:\n",
		    link_kind_text(v[ST_LINK_KIND]), b->label,
		    link_status_text(v[ST_LINK_STATUS]),
		    v[ST_LINK_ROLE] == LINKROLE_ACTIVE ? "ACTIVE" : "BACKUP");
	text_link_counters(o, v);
}

static void
text_network(FILE *o, const uint64_t *v)
{
	fprintf(o, "network statistics:\n\trecv:\n");
	fprintf(o, "\t\tMalformed messages:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_MALFORMED]);
	fprintf(o, "\t\tWrong protocol version:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_WRONG_VERSION]);
	fprintf(o, "\t\tMalformed header:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_MALFORMED_HEADER]);
	fprintf(o, "\t\tMalformed payload:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_MALFORMED_PAYLOAD]);
	fprintf(o, "\t\tBad message type:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_BAD_TYPE]);
	fprintf(o, "\t\tTruncated message:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_TRUNCATED]);
	fprintf(o, "\t\tBad message size:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_BAD_SIZE]);
	fprintf(o, "\tsend:\n\t\tMalformed messages:\t%20llu\n\n",
	    (ull)v[ST_NETWORK_SEND_MALFORMED]);
	fprintf(o, "sequence tracking statistics:\n\trecv:\n");
	fprintf(o, "\t\tPackets lost:\t\t%20llu\n",
	    (ull)v[ST_NETWORK_SEQ_LOST]);
	fprintf(o, "\t\tPackets before:\t\t%20llu\n\n",
	    (ull)v[ST_NETWORK_SEQ_BEFORE]);
	/* ctsyncd's own checks on what the link brings (not in conntrackd) */
	fprintf(o, "link checks:\n\trecv:\n");
	fprintf(o, "\t\tNot from the peer:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_NOT_FROM_PEER]);
	fprintf(o, "\t\tExpectations refused:\t%20llu\n",
	    (ull)v[ST_NETWORK_RECV_EXPECT_REFUSED]);
	fprintf(o, "\t\tSequence out of window:\t%20llu\n",
	    (ull)v[ST_NETWORK_SEQ_OUT_OF_WINDOW]);
	fprintf(o, "\t\tACK/NACK out of range:\t%20llu\n",
	    (ull)v[ST_NETWORK_ACK_OUT_OF_RANGE]);
	fprintf(o, "\t\tACK/NACK for another:\t%20llu\n",
	    (ull)v[ST_NETWORK_ACK_FOR_OTHER]);
	fprintf(o, "\t\tToo many senders:\t%20llu\n",
	    (ull)v[ST_NETWORK_SENDERS_TOO_MANY]);
	fprintf(o, "\t\tBulk requests deferred:\t%20llu\n",
	    (ull)v[ST_NETWORK_BULK_DEFERRED]);
	fprintf(o, "\t\tAuthentication failed:\t%20llu\n",
	    (ull)v[ST_NETWORK_AUTH_FAILED]);
	fprintf(o, "\t\tReplays refused:\t%20llu\n",
	    (ull)v[ST_NETWORK_REPLAYED]);
	fprintf(o, "\tsend:\n\t\tTail probes (FT-FW):\t%20llu\n\n",
	    (ull)v[ST_NETWORK_TAIL_PROBES]);
	fprintf(o, "hot standby:\n\tsend:\n");
	fprintf(o, "\t\tQuiet states sent again:%20llu\n",
	    (ull)v[ST_NETWORK_KEEPALIVE_SENT]);
	fprintf(o, "\t\tDELs held, standing down:%19llu\n\n",
	    (ull)v[ST_NETWORK_STANDBY_DELS_HELD]);
}

static void text_ago(FILE *, const char *, uint64_t);

/* ctsyncctl health's line on our copy of the peer's table. */
static void
text_insync(FILE *o, const uint64_t *v)
{
	fprintf(o, "peer's table: %s", !v[ST_INSYNC_COMPARED] ?
	    "not compared (AntiEntropy off, or not FT-FW or NOTRACK)" : v[ST_INSYNC_VERIFIED] ? "verified" : v[ST_INSYNC_ROUNDS] ?
	    "NOT VERIFIED (the last digest differed)" :
	    "NOT VERIFIED (no digest from a ctsyncd peer yet)");
	text_ago(o, "last_match", v[ST_INSYNC_LAST_MATCH_AGO_MS]);
	text_ago(o, "ctsyncd_peer", v[ST_INSYNC_PEER_AGO_MS]);
	fprintf(o, " nodes_heard=%llu rounds=%llu mismatches=%llu "
	    "ranges_differing=%llu stale_removed=%llu repairs_for_peer=%llu "
	    "entries_resent_for_peer=%llu malformed=%llu kernel_dropped=%llu "
	    "diffs_for_other_nodes=%llu\n",
	    (ull)v[ST_INSYNC_NODES], (ull)v[ST_INSYNC_ROUNDS],
	    (ull)v[ST_INSYNC_MISMATCHES], (ull)v[ST_INSYNC_RANGES_DIFFERING],
	    (ull)v[ST_INSYNC_STALE_REMOVED], (ull)v[ST_INSYNC_REPAIRS],
	    (ull)v[ST_INSYNC_ENTRIES_RESENT], (ull)v[ST_INSYNC_MALFORMED],
	    (ull)v[ST_INSYNC_KERNEL_DROPPED], (ull)v[ST_INSYNC_DIFFS_FOR_OTHERS]);
}

/* A time ago in seconds, or "never" (UINT64_MAX). */
static void
text_ago(FILE *o, const char *name, uint64_t ms)
{
	if (ms == UINT64_MAX)
		fprintf(o, " %s=never", name);
	else
		fprintf(o, " %s=%llus", name, (ull)(ms / 1000));
}

static void
text_auth(FILE *o, const uint64_t *v)
{
	fprintf(o, "link authentication: keys=%llu sealed=%llu "
	    "authenticated=%llu not_sealed=%llu unknown_key=%llu forged=%llu "
	    "replayed=%llu peer_restarts=%llu", (ull)v[ST_AUTH_KEYS],
	    (ull)v[ST_AUTH_SEALED], (ull)v[ST_AUTH_OPENED],
	    (ull)v[ST_AUTH_NOT_SEALED], (ull)v[ST_AUTH_UNKNOWN_KEY],
	    (ull)v[ST_AUTH_FORGED], (ull)v[ST_AUTH_REPLAYED],
	    (ull)v[ST_AUTH_PEER_RESTARTS]);
	text_ago(o, "last_authenticated", v[ST_AUTH_LAST_OK_AGO_MS]);
	text_ago(o, "last_refused", v[ST_AUTH_LAST_BAD_AGO_MS]);
	fputc('\n', o);
	if (v[ST_AUTH_WRONG_KEY])
		fprintf(o, "link authentication: FAILING: frames are refused "
		    "and none authenticates: does the peer seal with a key "
		    "missing from our KeyFile?\n");
}

static void
text_cache_ext(FILE *o, const struct stats_block *b)
{
	const uint64_t *v = b->v;

	fprintf(o, "cache:%s\tactive objects:\t\t%12llu\n",
	    b->label, (ull)v[ST_CACHE_EXT_OBJECTS]);
	fprintf(o, "\tactive/total entries:\t\t%12llu/%12llu\n",
	    (ull)v[ST_CACHE_EXT_ACTIVE],
	    (ull)v[ST_CACHE_EXT_ENTRIES]);
	fprintf(o, "\tcreation OK/failed:\t\t%12llu/%12llu\n",
	    (ull)v[ST_CACHE_EXT_CREATE_OK],
	    (ull)v[ST_CACHE_EXT_CREATE_FAILED]);
	fprintf(o, "\t\tno memory available:\t%12llu\n",
	    (ull)v[ST_CACHE_EXT_CREATE_NO_MEMORY]);
	fprintf(o, "\t\tno space left in cache:\t%12llu\n",
	    (ull)v[ST_CACHE_EXT_CREATE_NO_SPACE]);
	fprintf(o, "\tupdate OK/failed:\t\t%12llu/%12llu\n",
	    (ull)v[ST_CACHE_EXT_UPDATE_OK],
	    (ull)v[ST_CACHE_EXT_UPDATE_FAILED]);
	fprintf(o, "\t\tentry not found:\t%12llu\n",
	    (ull)v[ST_CACHE_EXT_UPDATE_NOT_FOUND]);
	fprintf(o, "\tdeletion created/failed:\t%12llu/%12llu\n",
	    (ull)v[ST_CACHE_EXT_DELETE_OK],
	    (ull)v[ST_CACHE_EXT_DELETE_FAILED]);
	fprintf(o, "\t\tentry not found:\t%12llu\n\n",
	    (ull)v[ST_CACHE_EXT_DELETE_NOT_FOUND]);
}

static void
text_netlink(FILE *o, const uint64_t *v)
{
	fprintf(o, "netlink stats:\n");
	fprintf(o, "\tevents received:\t%20llu\n",
	    (ull)v[ST_NETLINK_EVENTS_RECEIVED]);
	fprintf(o, "\tevents filtered:\t%20llu\n",
	    (ull)v[ST_NETLINK_EVENTS_FILTERED]);
	fprintf(o, "\tevents unknown type:\t\t%12llu\n",
	    (ull)v[ST_NETLINK_EVENTS_UNKNOWN_TYPE]);
	fprintf(o, "\tcatch event failed:\t\t%12llu\n",
	    (ull)v[ST_NETLINK_CATCH_EVENT_FAILED]);
	fprintf(o, "\tdump unknown type:\t\t%12llu\n",
	    (ull)v[ST_NETLINK_DUMP_UNKNOWN_TYPE]);
	fprintf(o, "\tnetlink overrun:\t\t%12llu\n",
	    (ull)v[ST_NETLINK_OVERRUN]);
	fprintf(o, "\tflush kernel table:\t\t%12llu\n",
	    (ull)v[ST_NETLINK_FLUSH_KERNEL_TABLE]);
	fprintf(o, "\tresync with kernel table:\t%12llu\n",
	    (ull)v[ST_NETLINK_RESYNC_KERNEL_TABLE]);
	fprintf(o, "\tcurrent buffer size (in bytes):\t%12llu\n\n",
	    (ull)v[ST_NETLINK_BUFFER_SIZE]);
}

static void
text_runtime(FILE *o, const uint64_t *v)
{
	fprintf(o, "runtime stats:\n");
	fprintf(o, "\tchild process failed:\t\t%12llu\n",
	    (ull)v[ST_RUNTIME_CHILD_FAILED]);
	fprintf(o, "\t\tchild process segfault:\t%12llu\n",
	    (ull)v[ST_RUNTIME_CHILD_SEGFAULT]);
	fprintf(o, "\t\tchild process termsig:\t%12llu\n",
	    (ull)v[ST_RUNTIME_CHILD_TERMSIG]);
	fprintf(o, "\tselect failed:\t\t\t%12llu\n",
	    (ull)v[ST_RUNTIME_SELECT_FAILED]);
	fprintf(o, "\twait failed:\t\t\t%12llu\n",
	    (ull)v[ST_RUNTIME_WAIT_FAILED]);
	fprintf(o, "\tlocal read failed:\t\t%12llu\n",
	    (ull)v[ST_RUNTIME_LOCAL_READ_FAILED]);
	fprintf(o, "\tlocal unknown request:\t\t%12llu\n\n",
	    (ull)v[ST_RUNTIME_LOCAL_UNKNOWN_REQUEST]);
}

static void
render_block_text(FILE *o, const struct stats_block *b)
{
	const uint64_t *v = b->v;
	char up[64];

	switch (b->kind) {
	case SB_CACHE:
		text_cache(o, b);
		break;
	case SB_CACHE_BYPASS:
		fprintf(o, "internal bypass:\n");
		fprintf(o, "connections new:\t\t%12llu\n",
		    (ull)v[ST_BYPASS_NEW]);
		fprintf(o, "connections updated:\t\t%12llu\n",
		    (ull)v[ST_BYPASS_UPDATED]);
		fprintf(o, "connections destroyed:\t\t%12llu\n\n",
		    (ull)v[ST_BYPASS_DESTROYED]);
		break;
	case SB_CACHE_INJECT:
		fprintf(o, "external inject:\n");
		fprintf(o, "connections created:\t\t%12llu\tfailed:\t%12llu\n",
		    (ull)v[ST_INJECT_CREATED], (ull)v[ST_INJECT_CREATE_FAILED]);
		fprintf(o, "connections updated:\t\t%12llu\tfailed:\t%12llu\n",
		    (ull)v[ST_INJECT_UPDATED], (ull)v[ST_INJECT_UPDATE_FAILED]);
		fprintf(o, "connections destroyed:\t\t%12llu\tfailed:\t%12llu"
		    "\n\n", (ull)v[ST_INJECT_DESTROYED],
		    (ull)v[ST_INJECT_DESTROY_FAILED]);
		break;
	case SB_TRAFFIC:
		fprintf(o, "traffic processed:\n%20llu Bytes      %20llu Pckts"
		    "\n\n", (ull)v[ST_TRAFFIC_BYTES],
		    (ull)v[ST_TRAFFIC_PACKETS]);
		break;
	case SB_LINK_ACTIVE: case SB_LINK:
		text_link(o, b);
		break;
	case SB_SYNC:
		fprintf(o, "message tracking:\n%20llu Malformed msgs %20llu "
		    "Lost msgs\n\n", (ull)v[ST_SYNC_MALFORMED],
		    (ull)v[ST_SYNC_LOST]);
		break;
	case SB_NETWORK:
		text_network(o, v);
		break;
	case SB_CACHE_EXT:
		text_cache_ext(o, b);
		break;
	case SB_UPTIME:
		render_uptime(up, sizeof(up), v[ST_UPTIME_SECONDS]);
		fprintf(o, "daemon uptime: %s\n\n", up);
		break;
	case SB_NETLINK:
		text_netlink(o, v);
		break;
	case SB_RUNTIME:
		text_runtime(o, v);
		break;
	case SB_QUEUE_NODES:
		fprintf(o, "allocated queue nodes:\t\t%12llu\n\n",
		    (ull)v[ST_QUEUE_NODES_ALLOCATED]);
		break;
	case SB_QUEUE:
		fprintf(o, "queue %s:\ncurrent elements:\t\t%12llu\n"
		    "maximum elements:\t\t%12llu\nnot enough space errors:\t"
		    "%12llu\n\n", b->label, (ull)v[ST_QUEUE_CURRENT],
		    (ull)v[ST_QUEUE_MAXIMUM], (ull)v[ST_QUEUE_NO_SPACE]);
		break;
	case SB_PROCESS:
		fprintf(o, "PID=%llu type=%s\n", (ull)v[ST_PROCESS_PID],
		    process_type_text(v[ST_PROCESS_TYPE]));
		break;
	case SB_HEALTH:
		fprintf(o, "%s: pid=%llu status=%s",
		    b->label, (ull)v[ST_HEALTH_PID],
		    v[ST_HEALTH_OK] ? "ok" : "FAILED");
		if (v[ST_HEALTH_NETLINK_BUFFER_SIZE])
			fprintf(o, " kernel_entries=%llu netlink_buffer=%llu",
			    (ull)v[ST_HEALTH_KERNEL_ENTRIES],
			    (ull)v[ST_HEALTH_NETLINK_BUFFER_SIZE]);
		if (strcmp(b->label, "supervisor") == 0)
			fprintf(o, " worker_restarts=%llu",
			    (ull)v[ST_HEALTH_RESTARTS]);
		fputc('\n', o);
		break;
	case SB_AUTH:
		text_auth(o, v);
		break;
	case SB_INSYNC:
		text_insync(o, v);
		break;
	case SB_CONTROL:
		fprintf(o, "control clients: refused=%llu malformed=%llu "
		    "gone_mid_answer=%llu idle_closed=%llu "
		    "answers_dropped=%llu\n", (ull)v[ST_CONTROL_REFUSED],
		    (ull)v[ST_CONTROL_MALFORMED],
		    (ull)v[ST_CONTROL_GONE_MID_ANSWER],
		    (ull)v[ST_CONTROL_IDLE_CLOSED],
		    (ull)v[ST_CONTROL_ANSWERS_DROPPED]);
		break;
	}
}

void
render_json_string(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", o);
		else if (ch == '\t')
			fputs("\\t", o);
		else if (ch < 0x20)
			fprintf(o, "\\u%04x", ch);
		else
			fputc(ch, o);
	}
	fputc('"', o);
}

/* Enumerations are shown by name in JSON too. */
static void
json_value(FILE *o, const struct stats_block *b, int i)
{
	int is_link = b->kind == SB_LINK || b->kind == SB_LINK_ACTIVE;

	if (is_link && i == 0)
		render_json_string(o, link_kind_text(b->v[i]));
	else if (is_link && i == 1)
		render_json_string(o, link_status_text(b->v[i]));
	else if (is_link && i == 2)
		render_json_string(o, b->v[i] == LINKROLE_ACTIVE ? "ACTIVE" : "BACKUP");
	else if (b->kind == SB_PROCESS && i == 1)
		render_json_string(o, process_type_text(b->v[i]));
	else
		fprintf(o, "%llu", (ull)b->v[i]);
}

void
render_begin(struct render *r, FILE *out, int format, const char *request)
{
	r->out = out;
	r->json = format == RENDER_JSON;
	r->metrics = format == RENDER_METRICS;
	r->nitems = 0;
	r->nheld = 0;
	r->entries = 0;
	r->ncarry = 0;
	if (r->json) {
		fprintf(out, "{\"request\":");
		render_json_string(out, request);
		fprintf(out, ",\"items\":[");
	}
}

void
render_block(struct render *r, const struct stats_block *b)
{
	const struct stats_kind_info *ki = stats_kind_info(b->kind);
	int i;

	if (r->metrics) {
		if (r->nheld < METRICS_MAX_BLOCKS)
			r->held[r->nheld++] = *b;
		return;
	}
	if (!r->json) {
		render_block_text(r->out, b);
		return;
	}
	fprintf(r->out, "%s{\"block\":", r->nitems++ ? "," : "");
	render_json_string(r->out, ki->name);
	if (b->label[0]) {
		fprintf(r->out, ",\"label\":");
		render_json_string(r->out, b->label);
	}
	for (i = 0; i < b->n; i++) {
		fprintf(r->out, ",\"%s\":", ki->keys[i]);
		json_value(r->out, b, i);
	}
	fputc('}', r->out);
}

/* A dump's line as an item of its own: {"entry":{...}}. */
static void
entry_item(struct render *r, const char *line)
{
	fprintf(r->out, "%s{\"entry\":", r->nitems++ ? "," : "");
	render_entry_json(r->out, line);
	fputc('}', r->out);
}

/* Dump text, line by line; a line cut between two parts waits. */
static void
entry_text(struct render *r, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		size_t len = (size_t)(nl - text);

		if (r->ncarry + len >= sizeof(r->carry))
			len = sizeof(r->carry) - 1 - r->ncarry;
		memcpy(r->carry + r->ncarry, text, len);
		r->carry[r->ncarry + len] = '\0';
		if (r->ncarry + len > 0)
			entry_item(r, r->carry);
		r->ncarry = 0;
		text = nl + 1;
	}
	while (*text && r->ncarry < sizeof(r->carry) - 1)
		r->carry[r->ncarry++] = *text++;
}

void
render_text(struct render *r, const char *text)
{
	if (r->metrics)
		return;		/* no text in a metrics answer */
	if (r->json && r->entries) {
		entry_text(r, text);
		return;
	}
	if (!r->json) {
		fputs(text, r->out);
		return;
	}
	fprintf(r->out, "%s{\"text\":", r->nitems++ ? "," : "");
	render_json_string(r->out, text);
	fputc('}', r->out);
}

void
render_end(struct render *r, int status, const char *message)
{
	if (r->metrics && status == 0)
		metrics_print(r->out, r->held, r->nheld);
	if (r->json && r->entries && r->ncarry > 0) {
		r->carry[r->ncarry] = '\0';
		entry_item(r, r->carry);
		r->ncarry = 0;
	}
	if (r->json) {
		fprintf(r->out, "],\"status\":");
		render_json_string(r->out, status == 0 ? "ok" : status == 2 ?
		    "not supported" : "error");
		if (message && message[0]) {
			fprintf(r->out, ",\"message\":");
			render_json_string(r->out, message);
		}
		fprintf(r->out, "}\n");
	}
	fflush(r->out);
}
