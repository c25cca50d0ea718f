# A JRE 17 base for app/Dockerfile (build argument JRE_IMAGE) from Debian's packages, for hosts that
# reach no image registry (see build.sh). curl serves the image's health check, as in the Temurin
# Ubuntu images.
FROM local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
 && rm -rf /var/lib/apt/lists/*
