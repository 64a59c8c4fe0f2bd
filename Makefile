# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing
# (once per machine, into ~/.cache/ecomanager-cs) and are safe to run again.
.PHONY: run test release tools sqlx-prepare clean-data bench-confirmation bench-routing bench-intelligence bench-messaging bench-dashboard

run:
	scripts/run.sh

test:
	scripts/test.sh

# Optimised build with precompressed assets (.br/.gz) in target/site.
release:
	bash -c 'source scripts/env.sh run && cargo leptos build --release --precompress'

tools:
	scripts/tools.sh all

# Regenerates .sqlx/ (offline query metadata) against a private test database.
sqlx-prepare:
	scripts/sqlx-prepare.sh

# Benchmark of the confirmation core with 1 M orders (on demand; numbers in the closing notes).
bench-confirmation:
	scripts/bench-confirmation.sh

# Routing: the engine alone, then auto-assign end to end for 1 k / 10 k / 100 k pending orders over 300 agents.
bench-routing:
	scripts/bench-routing.sh

# Segment counting, the SMS enqueue added to an attempt, outbox throughput (mock provider).
bench-messaging:
	scripts/bench-messaging.sh

# Duplicate detection and classification on the 1 M-order data set (shared with bench-confirmation),
# then the dedup crate's labelled evaluation (precision, recall, F1, calibration).
bench-intelligence:
	scripts/bench-intelligence.sh

# The dashboard on the 1 M-order data set (today, 30 days, last month; the drill-down), and the
# time from an attempt to the event at each of 300 connected live streams.
bench-dashboard:
	scripts/bench-dashboard.sh

# Removes the private databases (not the tools nor the build cache).
clean-data:
	bash -c 'source scripts/env.sh run && { "$$CARGO_TARGET_DIR/debug/server" db stop .data/test; "$$CARGO_TARGET_DIR/debug/server" db stop .data/e2e; "$$CARGO_TARGET_DIR/debug/server" db stop .data/bench; "$$CARGO_TARGET_DIR/debug/server" db stop .data/bench-routing; "$$CARGO_TARGET_DIR/debug/server" db stop .data/bench-messaging; true; }'
	rm -rf .data
