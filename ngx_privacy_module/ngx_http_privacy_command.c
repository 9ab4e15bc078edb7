/*
 * Copyright (C) ngx_privacy_module authors
 *
 * The commands the module runs from a pool thread: privacy_mail_command
 * (docs/rights.md, "Mail") and privacy_erase_command (docs/database.md,
 * "Retention sweeps").  Plain C and POSIX: no nginx calls.
 */


#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* pipe2() */
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "ngx_http_privacy_command.h"


extern char  **environ;


static int ngx_http_privacy_command_write_all(int fd, const char *p,
    size_t len);


/*
 * The command runs as the shell's background job (its standard input
 * passed on through descriptor 4: a background job's would be /dev/null),
 * so that on a timeout the shell itself, trapping SIGTERM, exits with a
 * status: a worker's child killed by a signal is an [alert] in nginx's
 * log.
 */
static char  ngx_http_privacy_command_sh[] =
    "trap 'exit 124' TERM; exec 4<&0;"
    " { eval \"$1\"; } <&4 4<&- & wait $!; echo $? >&3";


/*
 * nginx's SIGCHLD handler in the worker may reap the child before we do,
 * so the command's exit status comes back through a pipe instead: the
 * shell writes $? to descriptor 3 after the command.
 *
 * A command that hangs would hold this pool thread for good, and a worker
 * that is told to exit waits for all of its pool threads: after
 * NGX_HTTP_PRIVACY_COMMAND_TIMEOUT seconds the command's process group (the
 * shell and whatever it started) is terminated (SIGTERM, then SIGKILL for
 * what is left), and the caller tries again later.
 */

int
ngx_http_privacy_command_run(const char *name, const char *cmd,
    const char *in_data, size_t len, char *err, size_t err_len)
{
    int                         in[2], st[2], rc, status, timed_out;
    char                        buf[16];
    pid_t                       pid;
    time_t                      deadline, left;
    ssize_t                     n, got;
    sigset_t                    none, all;
    struct pollfd               pfd;
    posix_spawnattr_t           attr;
    posix_spawn_file_actions_t  fa;

    char  *argv[] = { "/bin/sh", "-c", ngx_http_privacy_command_sh, "sh",
                      (char *) cmd, NULL };

    if (pipe2(in, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        return -1;
    }

    if (pipe2(st, O_CLOEXEC) != 0) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        close(in[0]);
        close(in[1]);
        return -1;
    }

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, st[1], 3);

    /*
     * a process group of its own: a timeout ends all of it; and signals
     * as a new process has them, not as this pool thread (which blocks
     * them all) or the worker (which catches them)
     */
    sigemptyset(&none);
    sigfillset(&all);

    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP
                                    | POSIX_SPAWN_SETSIGMASK
                                    | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);

    rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);

    close(in[0]);
    close(st[1]);

    if (rc != 0) {
        snprintf(err, err_len, "cannot run %s: %s", name,
                 strerror(rc));
        close(in[1]);
        close(st[0]);
        return -1;
    }

    deadline = time(NULL) + NGX_HTTP_PRIVACY_COMMAND_TIMEOUT;

    /*
     * a command that stops reading early: its status still tells; one
     * that never reads gets the message into the pipe's buffer (a code
     * message is far smaller) or is killed below
     */
    (void) ngx_http_privacy_command_write_all(in[1], in_data, len);
    close(in[1]);

    got = 0;
    timed_out = 0;

    while ((size_t) got < sizeof(buf) - 1) {
        left = deadline - time(NULL);

        if (left <= 0) {
            timed_out = 1;
            break;
        }

        pfd.fd = st[0];
        pfd.events = POLLIN;
        pfd.revents = 0;

        n = poll(&pfd, 1, (int) left * 1000);

        if (n < 0 && errno == EINTR) {
            continue;
        }

        if (n < 0) {
            break;
        }

        if (n == 0) {
            continue;
        }

        n = read(st[0], buf + got, sizeof(buf) - 1 - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            break;
        }

        got += n;
    }

    close(st[0]);
    buf[got] = '\0';

    if (timed_out) {
        (void) kill(-pid, SIGTERM);
    }

    /* the worker's handler may have reaped it already: that is fine */
    (void) waitpid(pid, &status, 0);

    if (timed_out) {
        /* what ignored SIGTERM; the group's id is not reused while any
         * member lives */
        (void) kill(-pid, SIGKILL);

        snprintf(err, err_len, "%s did not finish in %d s, killed",
                 name, NGX_HTTP_PRIVACY_COMMAND_TIMEOUT);
        return -1;
    }

    if (got == 0) {
        snprintf(err, err_len, "%s ended without status", name);
        return -1;
    }

    status = (int) strtol(buf, NULL, 10);

    if (status != 0) {
        snprintf(err, err_len, "%s exited with %d", name,
                 status);
        return -1;
    }

    return 0;
}


static int
ngx_http_privacy_command_write_all(int fd, const char *p, size_t len)
{
    ssize_t  n;

    while (len) {
        n = write(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }

        if (n <= 0) {
            return -1;
        }

        p += n;
        len -= n;
    }

    return 0;
}
