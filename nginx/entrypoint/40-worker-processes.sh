#!/bin/sh
# Run by the image's entrypoint before NGINX starts (mounted into /docker-entrypoint.d/ by docker-compose.yml).
# Writes `worker_processes N;` for nginx.conf to include, N = the CPUs this container may use: its CPU limit
# (cgroup v2 cpu.max, or v1's CFS quota) rounded up, and never more than the CPUs it may run on (nproc).
# `worker_processes auto` counts the host's cores instead, whatever the limit: on a big host, more workers
# than the container's pids and memory limits allow. The image's own 30-tune-worker-processes.sh cannot
# help: it edits nginx.conf, which is mounted read-only here.
set -eu

cpus=$(nproc)
quota=max
period=100000
if [ -r /sys/fs/cgroup/cpu.max ]; then
    read -r quota period < /sys/fs/cgroup/cpu.max
elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
    period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
fi

case "$quota" in
    max | -1) ;; # no CPU limit
    *)
        limit=$(((quota + period - 1) / period))
        if [ "$limit" -lt "$cpus" ]; then cpus=$limit; fi
        ;;
esac

# /etc/nginx/conf.d is a tmpfs (compose) or a tmpfs volume (Swarm): written afresh at every start.
echo "worker_processes $cpus;" > /etc/nginx/conf.d/worker-processes.main
