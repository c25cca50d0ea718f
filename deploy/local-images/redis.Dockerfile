# Redis from Debian's packages, for hosts that reach no image registry (see build.sh).
FROM local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 6379
# Like the upstream image: no config file, every interface, no protected mode (the network decides).
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
