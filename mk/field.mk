# mk/field.mk: the rural domain's targets (issue 5), included from the Makefile.
#
#   make bench-field      the Lạng Sơn custard-apple peak day, postroute vs
#                         the naive baseline (FIELD_ARGS=... for options,
#                         e.g. FIELD_ARGS='--time-limit 2 --threads 4')
#   make bench-live       the live day through the real daemon (below)
#   make region           regenerate config/regions/langson.json from
#                         ../shared/data/vietnam (VIETNAM_DATA=DIR)

FIELD_ARGS ?=
VIETNAM_DATA ?= ../shared/data/vietnam

.PHONY: bench-field region
bench-field: $(BUILD)/bench-field
	$(BUILD)/bench-field --date 2026-08-20 --orders 5200 $(FIELD_ARGS)

region: $(BUILD)/gen-region
	$(BUILD)/gen-region --data '$(VIETNAM_DATA)' \
	    --out config/regions/langson.json

# make bench-live: the live day: a private redis-server, postrouted with its
# own configuration and build/bench-live driving the dispatched routes of
# bench-field's peak day (scripts/bench-live.sh; LIVE_SEED, LIVE_ORDERS,
# LIVE_ITERATIONS, LIVE_WORKERS, LIVE_INTERVAL, LIVE_ARGS, LIVE_OUT).
.PHONY: bench-live
bench-live: all
	$(Q)PR_BUILD='$(abspath $(BUILD))' bash scripts/bench-live.sh
