"""One task value and one changed value for every container option the table compares.

``record_container_inspect.py`` creates a container from each sample on a real engine and keeps its
``docker inspect`` data in fixtures/, so the unit tests compare the table's reading of real data.
"""

NETWORK = "noartest-unit-net"
OTHER = "noartest-unit-other"

SAMPLES = dict(
    command=(["sleep", "60"], ["sleep", "61"]),
    entrypoint=(["/bin/sh", "-c"], ["/bin/sh", "-ec"]),
    env=({"A": "1", "SECRET_TOKEN": "x"}, {"A": "2"}),
    labels=({"app": "noar"}, {"app": "other"}),
    user=("nobody", "root"),
    working_dir=("/tmp", "/"),
    hostname=("unit-host", "other-host"),
    domainname=("example.test", "other.test"),
    mac_address=("02:42:ac:11:00:99", "02:42:ac:11:00:98"),
    tty=(True, False),
    interactive=(True, False),
    stop_signal=("SIGINT", "SIGHUP"),
    healthcheck=({"test": ["CMD", "true"], "interval": "2s", "retries": 2}, {"test": ["CMD", "false"]}),
    published_ports=(["127.0.0.1:18080:80", "127.0.0.1:18090-18099:90/udp"], ["127.0.0.1:18081:81"]),
    exposed_ports=(["7000"], ["7001/udp"]),
    publish_all_ports=(True, False),
    volumes=(["/tmp:/host-tmp:ro", "/anon"], ["/tmp:/host-tmp:rw"]),
    mounts=(
        [
            {"type": "tmpfs", "target": "/scratch", "tmpfs_size": "16m", "tmpfs_mode": "1777"},
            {"type": "bind", "source": "/tmp", "target": "/bound", "read_only": True, "propagation": "rslave"},
            {"type": "volume", "target": "/anonvol", "no_copy": True, "labels": {"a": "b"}},
        ],
        [{"type": "tmpfs", "target": "/scratch", "tmpfs_size": "32m"}],
    ),
    tmpfs=(["/run:size=8m"], ["/run2"]),
    volume_driver=("local", "other"),
    networks=([{"name": NETWORK, "aliases": ["unit-alias"], "ipv4_address": "172.31.250.10"}], [{"name": NETWORK, "aliases": ["other-alias"]}]),
    network_mode=(NETWORK, "none"),
    dns_servers=(["127.0.0.1"], ["127.0.0.2"]),
    dns_opts=(["ndots:2"], ["ndots:3"]),
    dns_search_domains=(["example.test"], ["other.test"]),
    etc_hosts=({"db.local": "127.0.1.1"}, {"db.local": "127.0.1.2"}),
    restart_policy=("on-failure", "always"),
    restart_retries=(3, 4),
    memory=("64m", "96m"),
    memory_reservation=("32m", "16m"),
    memory_swap=("256m", "512m"),
    cpus=(0.5, 1.0),
    cpu_shares=(512, 256),
    cpu_period=(100000, 50000),
    cpu_quota=(50000, 25000),
    cpuset_cpus=("0", "0-1"),
    cpuset_mems=("0", ""),
    pids_limit=(64, 128),
    blkio_weight=(300, 400),
    memory_swappiness=(10, 20),
    kernel_memory=("64m", "96m"),
    shm_size=("128m", "256m"),
    oom_killer=(True, False),
    oom_score_adj=(100, 200),
    ulimits=(["nofile:1024:2048"], ["nofile:512:512"]),
    devices=(["/dev/null:/dev/unit-null:rw"], ["/dev/zero:/dev/unit-zero"]),
    device_cgroup_rules=(["c 1:3 mr"], ["c 1:5 r"]),
    device_read_bps=([{"path": "/dev/null", "rate": "10m"}], [{"path": "/dev/null", "rate": "20m"}]),
    device_write_bps=([{"path": "/dev/null", "rate": "10m"}], [{"path": "/dev/null", "rate": "20m"}]),
    device_read_iops=([{"path": "/dev/null", "rate": 100}], [{"path": "/dev/null", "rate": 200}]),
    device_write_iops=([{"path": "/dev/null", "rate": 100}], [{"path": "/dev/null", "rate": 200}]),
    device_requests=([{"driver": "nvidia", "count": -1, "capabilities": [["gpu"]]}], [{"driver": "nvidia", "count": 1, "capabilities": [["gpu"]]}]),
    storage_opts=({}, {"size": "1G"}),
    read_only=(True, False),
    privileged=(True, False),
    capabilities=(["NET_ADMIN"], ["SYS_TIME"]),
    cap_drop=(["MKNOD"], ["CHOWN"]),
    security_opts=(["no-new-privileges"], ["label=disable"]),
    groups=(["audio"], ["video"]),
    cgroupns_mode=("host", "private"),
    cgroup_parent=("noar-unit.slice", "noar-other"),
    ipc_mode=("private", "shareable"),
    pid_mode=("host", ""),
    userns_mode=("host", ""),
    uts=("host", ""),
    runtime=("runc", "other"),
    sysctls=({"net.ipv4.ip_unprivileged_port_start": "0"}, {"net.ipv4.ip_unprivileged_port_start": "1"}),
    init=(True, False),
    auto_remove=(True, False),
    log_driver=("json-file", "local"),
    log_options=({"max-size": "1m"}, {"max-size": "2m"}),
    links=([OTHER + ":db"], [OTHER + ":cache"]),
    volumes_from=([OTHER], [OTHER + ":ro"]),
    stop_timeout=(5, 6),
    platform=("linux/amd64", "windows/amd64"),
    paused=(False, True),
)

# Options the table compares that a created container cannot show here: the engine refuses them at
# create (or they are a state, not configuration); they are checked through the create body only.
NOT_RECORDED = ("device_requests", "storage_opts", "paused", "runtime")

# What an option needs beside it for the engine to accept it.
WITH = dict(
    restart_retries=dict(restart_policy="on-failure"),
    memory_swap=dict(memory="128m"),
    memory_reservation=dict(memory="128m"),
)
