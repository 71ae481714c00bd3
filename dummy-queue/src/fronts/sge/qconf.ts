/**
 * SGE `qconf`, read-only: `-sconf` prints the global configuration of the emulated cell (the one
 * captured from SGE 8.1.9 after the bring-up's tuning; clients read `max_aj_tasks` from it) and
 * `-sql` lists the queues. Everything that would change the configuration is refused.
 */
import type { CommandDef, CommandIO } from '../common/command.js';

const GLOBAL_CONFIGURATION = `#global:
execd_spool_dir              /var/spool/gridengine/execd
mailer                       /usr/bin/mail
xterm                        /usr/bin/xterm
load_sensor                  none
prolog                       none
epilog                       none
shell_start_mode             posix_compliant
login_shells                 bash,sh,ksh,csh,tcsh
min_uid                      0
min_gid                      0
user_lists                   none
xuser_lists                  none
projects                     none
xprojects                    none
enforce_project              false
enforce_user                 auto
load_report_time             00:00:40
max_unheard                  00:05:00
reschedule_unknown           00:00:00
loglevel                     log_warning
administrator_mail           root
set_token_cmd                none
pag_cmd                      none
token_extend_time            none
shepherd_cmd                 none
qmaster_params               none
execd_params                 none
reporting_params             accounting=true reporting=false                   \\
                             flush_time=00:00:15 joblog=false \\
                             sharelog=00:00:00 accounting_flush_time=00:00:00
finished_jobs                100
gid_range                    65400-65500
qlogin_command               builtin
qlogin_daemon                builtin
rlogin_command               builtin
rlogin_daemon                builtin
rsh_command                  builtin
rsh_daemon                   builtin
max_aj_instances             2000
max_aj_tasks                 75000
max_u_jobs                   0
max_jobs                     0
auto_user_oticket            0
auto_user_fshare             0
auto_user_default_project    none
auto_user_delete_time        86400
delegated_file_staging       false
reprioritize                 0
jsv_url                      none
jsv_allowed_mod              ac,h,i,e,o,j,M,N,p,w

`;

async function qconf(io: CommandIO): Promise<number> {
  if (io.args[0] === '-sconf' && (io.args[1] === undefined || io.args[1] === 'global')) {
    io.out(GLOBAL_CONFIGURATION);
    return 0;
  }
  if (io.args[0] === '-sql') {
    io.out('all.q\n');
    return 0;
  }
  io.err(`error: the dummy-queue qconf only shows configuration (-sconf, -sql), not ${io.args.join(' ')}\n`);
  return 1;
}

export const qconfCommand: CommandDef = { kind: 'other', run: qconf };
