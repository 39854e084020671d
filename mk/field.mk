# mk/field.mk: the rural domain's targets (issue 5), included from the Makefile.
#
#   make bench-field      the Lạng Sơn custard-apple peak day, postroute vs
#                         the naive baseline (FIELD_ARGS=... for options,
#                         e.g. FIELD_ARGS='--time-limit 2 --threads 4')
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
