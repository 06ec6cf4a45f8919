/* flow_name.c — printable names of flow states and end reasons.
 *
 * The strings are the ones Suricata's EVE flow events carry, so hradba's
 * output compares field for field.
 */
#include <stddef.h>

#include "flow/flow.h"

const char *flow_state_name(enum flow_state s)
{
    static const char *const names[] = {
        [FLOW_STATE_NEW] = "new",
        [FLOW_STATE_ESTABLISHED] = "established",
        [FLOW_STATE_CLOSED] = "closed",
    };
    return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *flow_tcp_state_name(enum flow_tcp_state s)
{
    static const char *const names[] = {
        [FLOW_TCP_NONE] = "none",           [FLOW_TCP_SYN_SENT] = "syn_sent",
        [FLOW_TCP_SYN_RECV] = "syn_recv",   [FLOW_TCP_ESTABLISHED] = "established",
        [FLOW_TCP_FIN_WAIT1] = "fin_wait1", [FLOW_TCP_FIN_WAIT2] = "fin_wait2",
        [FLOW_TCP_TIME_WAIT] = "time_wait", [FLOW_TCP_CLOSE_WAIT] = "close_wait",
        [FLOW_TCP_LAST_ACK] = "last_ack",   [FLOW_TCP_CLOSING] = "closing",
        [FLOW_TCP_CLOSED] = "closed",
    };
    return (size_t)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

const char *flow_end_reason_name(enum flow_end_reason r)
{
    static const char *const names[] = {
        [FLOW_END_TIMEOUT] = "timeout",
        [FLOW_END_FORCED] = "forced",
        [FLOW_END_SHUTDOWN] = "shutdown",
    };
    return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}
