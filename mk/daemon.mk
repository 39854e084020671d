# mk/daemon.mk: the daemon's demo and load benchmark (included by the Makefile).
#
#   make run            private redis-server + postrouted + a day replayed by postroute-sim
#                       (Ctrl-C stops the replay, then postrouted, then redis-server)
#   make bench-daemon   ingest rate, order -> plan latency, memory per order
#   make bench-national-ingest   the national day (issue 17): ingest rate, memory per open order
#   make bench-national   the national region's offices planned by 1 and 2 solve
#                         worker processes: speedup_2w, failover (issue 17)
#   make bench-cluster    the clustering (GLPK) of the national day's open orders
#
# RUN_SPEED: simulated seconds per real second for the demo (default 120).
# BENCH_EVENTS: events preloaded for the ingest benchmark (default 100000).

RUN_SPEED ?= 120
BENCH_EVENTS ?= 100000

.PHONY: run-daemon bench-daemon
run-daemon: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' RUN_SPEED=$(RUN_SPEED) \
	    bash scripts/run-demo.sh

bench-daemon: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' BENCH_EVENTS=$(BENCH_EVENTS) \
	    bash scripts/bench-daemon.sh

# The national peak day (issue 17): 50 provinces tiled from Lạng Sơn, a
# million orders, ingested by one daemon: ingest rate and memory per open
# order (NATIONAL_ORDERS, NATIONAL_PROVINCES). Needs ~3 GB of memory.
.PHONY: bench-national-ingest
bench-national-ingest: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' bash scripts/bench-national-ingest.sh

# The national region planned through solve workers (issue 17): a slice of
# NATIONAL_PROVINCES provinces (4) by 1 and then 2 `postrouted --worker`
# processes, then cluster-failover.sh; the table, bench/results/national.csv
# and the line "national: offices=... speedup_2w=... deposed_writes=...".
.PHONY: bench-national
bench-national: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' bash scripts/bench-national.sh

# The clustering of the national day's open orders (pr_cluster_assign, the
# planner's clustering job), offline: CLUSTER_PROVINCES (50) provinces,
# CLUSTER_ORDERS (20,000 per province); a table, a line, and a row in
# bench/results/cluster.csv.
CLUSTER_PROVINCES ?= 50
CLUSTER_ORDERS ?= $(shell echo $$(( $(CLUSTER_PROVINCES) * 20000 )))
.PHONY: bench-cluster
bench-cluster: $(BUILD)/bench-cluster $(BUILD)/postroute-sim
	$(Q)$(BUILD)/postroute-sim --provinces $(CLUSTER_PROVINCES) \
	    --orders $(CLUSTER_ORDERS) --write-region $(BUILD)/cluster-region.json \
	    --out $(BUILD)/cluster-day.jsonl
	$(Q)$(BUILD)/bench-cluster --region $(BUILD)/cluster-region.json \
	    --events $(BUILD)/cluster-day.jsonl --time-limit 30 \
	    --csv bench/results/cluster.csv
