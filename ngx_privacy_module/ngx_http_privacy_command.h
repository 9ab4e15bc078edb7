/*
 * Copyright (C) ngx_privacy_module authors
 *
 * Runs a configured command (privacy_mail_command, privacy_erase_command)
 * from a pool thread, its input on stdin, with a time limit.  Plain C and
 * POSIX: no nginx calls.
 */

#ifndef _NGX_HTTP_PRIVACY_COMMAND_H_INCLUDED_
#define _NGX_HTTP_PRIVACY_COMMAND_H_INCLUDED_


#include <stddef.h>


#define NGX_HTTP_PRIVACY_COMMAND_TIMEOUT  30    /* seconds, then killed */


/*
 * Runs cmd (a shell command line) with len bytes of in on its stdin; 0 if
 * it exited with 0 within NGX_HTTP_PRIVACY_COMMAND_TIMEOUT seconds (else
 * it is killed), or -1 with err set, naming the command by its directive.
 */
int ngx_http_privacy_command_run(const char *name, const char *cmd,
    const char *in, size_t len, char *err, size_t err_len);


#endif /* _NGX_HTTP_PRIVACY_COMMAND_H_INCLUDED_ */
