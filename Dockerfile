# Builds the api, the worker and xtask (for migrations) into one small image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p medusa-api -p medusa-worker -p xtask

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/medusa-api /src/target/release/medusa-worker /src/target/release/xtask /usr/local/bin/
ENV HOST=0.0.0.0 PORT=9000
EXPOSE 9000
CMD ["medusa-api"]
