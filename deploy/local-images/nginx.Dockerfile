# nginx from Debian's packages, for hosts that reach no image registry (see build.sh). wget serves
# the compose health check, as in the upstream Alpine image.
FROM local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light wget \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
