"""The network lab's stand-in for tc netem's delay, where the kernel has no netem: binds to one
nfnetlink queue of the network namespace it runs in, holds every packet iptables sends there
(-j NFQUEUE) for a fixed time, then accepts it. Packets leave in the order they came.

Usage: python3 delayer.py QUEUE_NUMBER DELAY_MS. Prints "delayer ready" once bound; runs until killed.
Speaks nfnetlink_queue over a raw netlink socket, so it needs only Python's standard library. The
queue is fail-open: a packet the queue has no room for, or that comes when no delayer is bound
(iptables --queue-bypass), passes undelayed rather than being lost.
"""
import heapq
import select
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQNL_CFG_CMD_BIND = 1
NFQA_CFG_CMD, NFQA_CFG_PARAMS, NFQA_CFG_QUEUE_MAXLEN, NFQA_CFG_MASK, NFQA_CFG_FLAGS = 1, 2, 3, 4, 5
NFQA_CFG_F_FAIL_OPEN = 1
NFQA_PACKET_HDR, NFQA_VERDICT_HDR = 1, 2
NFQNL_COPY_META = 1
NF_ACCEPT = 1
NLM_F_REQUEST = 1
PACKET_MESSAGE = (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET

queue, delay = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
SO_RCVBUFFORCE = 33  # as root: a buffer large enough that a burst of packet messages is not dropped
sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
sock.bind((0, 0))
sequence = 0


def attribute(kind, payload):
    length = 4 + len(payload)
    return struct.pack("=HH", length, kind) + payload + b"\0" * ((4 - length % 4) % 4)


def send(message_type, payload):
    global sequence
    sequence += 1
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + payload
    header = struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | message_type, NLM_F_REQUEST,
                         sequence, 0)
    sock.send(header + body)


send(NFQNL_MSG_CONFIG, attribute(NFQA_CFG_CMD, struct.pack("=BxH", NFQNL_CFG_CMD_BIND, 0)))
send(NFQNL_MSG_CONFIG, attribute(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))
     + attribute(NFQA_CFG_QUEUE_MAXLEN, struct.pack("!I", 1 << 16))
     + attribute(NFQA_CFG_MASK, struct.pack("!I", NFQA_CFG_F_FAIL_OPEN))
     + attribute(NFQA_CFG_FLAGS, struct.pack("!I", NFQA_CFG_F_FAIL_OPEN)))
print("delayer ready", flush=True)

held = []  # (when to accept, packet id), earliest first
while True:
    timeout = max(0.0, held[0][0] - time.monotonic()) if held else None
    if select.select([sock], [], [], timeout)[0]:
        data = sock.recv(1 << 20)
        due = time.monotonic() + delay
        offset = 0
        while offset + 16 <= len(data):
            length, message_type = struct.unpack_from("=IH", data, offset)
            if length < 16:
                break
            if message_type == PACKET_MESSAGE:
                position = offset + 20  # after the netlink header and nfgenmsg
                while position + 4 <= offset + length:
                    attribute_length, kind = struct.unpack_from("=HH", data, position)
                    if attribute_length < 4:
                        break
                    if kind & 0x7fff == NFQA_PACKET_HDR:
                        (packet_id,) = struct.unpack_from("!I", data, position + 4)
                        heapq.heappush(held, (due, packet_id))
                    position += (attribute_length + 3) & ~3
            offset += (length + 3) & ~3
    now = time.monotonic()
    while held and held[0][0] <= now:
        _, packet_id = heapq.heappop(held)
        send(NFQNL_MSG_VERDICT, attribute(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet_id)))
