/*
 * The kernel's floor for a media plane's packets on loopback, and what batching system calls would save (issue 17,
 * "batch UDP I/O"). A sender sends ROOM datagrams of 172 bytes (PCMU RTP) every 2 ms, ROUNDS times, either with one
 * sendto per datagram from ROOM sockets (what Switchboard and Janus do: one socket per leg) or with one sendmmsg of
 * ROOM messages from one socket; a receiver thread takes them on ROOM sockets with epoll_wait and recv until EAGAIN.
 * Prints thread CPU per datagram for the sender and the receiver (CLOCK_THREAD_CPUTIME_ID).
 * usage: udp-batch-cost sendto|sendmmsg
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ROOM 100
#define ROUNDS 1500

static int sinks[ROOM];
static struct sockaddr_in sink_addr[ROOM];
static volatile int stop;
static long received;
static double receiver_us;

static double thread_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int udp_socket(struct sockaddr_in *bound) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *) &a, sizeof a) != 0) {
        perror("socket/bind");
        exit(1);
    }
    socklen_t len = sizeof a;
    getsockname(s, (struct sockaddr *) &a, &len);
    int buf = 1 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    if (bound) {
        *bound = a;
    }
    return s;
}

static void *receiver(void *unused) {
    (void) unused;
    int ep = epoll_create1(0);
    for (int i = 0; i < ROOM; i++) {
        fcntl(sinks[i], F_SETFL, O_NONBLOCK);
        struct epoll_event e = {.events = EPOLLIN, .data.fd = sinks[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, sinks[i], &e);
    }
    char buf[2048];
    struct epoll_event ready[ROOM];
    double start = thread_us();
    while (!stop) {
        int n = epoll_wait(ep, ready, ROOM, 100);
        for (int i = 0; i < n; i++) {
            while (recv(ready[i].data.fd, buf, sizeof buf, 0) > 0) {
                received++;
            }
        }
    }
    receiver_us = thread_us() - start;
    return NULL;
}

int main(int argc, char **argv) {
    int batched = argc > 1 && strcmp(argv[1], "sendmmsg") == 0;
    if (argc < 2 || (!batched && strcmp(argv[1], "sendto") != 0)) {
        fprintf(stderr, "usage: udp-batch-cost sendto|sendmmsg\n");
        return 2;
    }
    char packet[172];
    memset(packet, 0x55, sizeof packet);
    for (int i = 0; i < ROOM; i++) {
        sinks[i] = udp_socket(&sink_addr[i]);
    }
    pthread_t rx;
    pthread_create(&rx, NULL, receiver, NULL);
    int senders[ROOM];
    for (int i = 0; i < ROOM; i++) {
        senders[i] = udp_socket(NULL);
    }
    struct mmsghdr msgs[ROOM];
    struct iovec iov[ROOM];
    for (int i = 0; i < ROOM; i++) {
        iov[i].iov_base = packet;
        iov[i].iov_len = sizeof packet;
        memset(&msgs[i], 0, sizeof msgs[i]);
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &sink_addr[i];
        msgs[i].msg_hdr.msg_namelen = sizeof sink_addr[i];
    }
    struct timespec pause = {0, 2000000L};
    nanosleep(&pause, NULL);
    long sent = 0;
    double start = thread_us();
    for (int round = 0; round < ROUNDS; round++) {
        if (batched) {
            int n = sendmmsg(senders[0], msgs, ROOM, 0);
            sent += n > 0 ? n : 0;
        } else {
            for (int i = 0; i < ROOM; i++) {
                if (sendto(senders[i], packet, sizeof packet, 0, (struct sockaddr *) &sink_addr[i], sizeof sink_addr[i]) > 0) {
                    sent++;
                }
            }
        }
        nanosleep(&pause, NULL);
    }
    double sender_us = thread_us() - start;
    struct timespec drain = {0, 200000000L};
    nanosleep(&drain, NULL);
    stop = 1;
    pthread_join(rx, NULL);
    printf("%-8s sender %.2f us/datagram, receiver (epoll + recv, %d sockets) %.2f us/datagram, %ld sent, %ld received\n",
           argv[1], sender_us / sent, ROOM, receiver_us / (received ? received : 1), sent, received);
    return 0;
}
