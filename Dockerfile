# syntax=docker/dockerfile:1
# BamOrleans images, CPU or CUDA, from one file (docs/container-images.md):
#   docker build --target bam-silo -t bam-silo:cpu .                         # the silo, CPU
#   docker build --target bam      -t bam:cpu .                              # the CLI, CPU
#   docker build --target bam-silo --build-arg TORCH=cuda -t bam-silo:cuda . # the silo on NVIDIA GPUs
# TORCH picks the TorchSharp native package through the TorchBackend MSBuild property
# (Directory.Build.props): cpu -> TorchSharp-cpu, cuda -> TorchSharp-cuda-linux. Both variants
# build every project the same way; only the restore stage and the runtime base differ.
# scripts/check-image.sh runs this file's CPU restore and publish commands without a Docker engine.

# The variant: cpu or cuda. Global, so it can name stages (restore-${TORCH}, base-${TORCH}).
ARG TORCH=cpu
# The CUDA base: TorchSharp 0.107 runs on libtorch built for CUDA 12.8, and its package ships
# cuBLAS/cuDNN itself, so the small "base" flavour (CUDA runtime and the hooks the NVIDIA container
# runtime uses to mount the host's driver) is enough. Ubuntu 24.04's libstdc++ has GLIBCXX_3.4.32,
# which libtorch needs.
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-base-ubuntu24.04
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime:10.0-noble

# ---- build: sources only; the restore stages below fetch the packages ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS source
WORKDIR /src
# Only what the build reads (.dockerignore keeps bin/, obj/, tests and runs out of the context).
COPY Directory.Build.props Directory.Packages.props BamOrleans.sln ./
COPY src/ src/

# CPU restore: TorchSharp-cpu (libtorch-cpu-linux-x64), from any NuGet feed that has it.
FROM source AS restore-cpu
RUN dotnet restore src/BamOrleans.Silo -p:TorchBackend=cpu \
 && dotnet restore src/BamOrleans.Cli -p:TorchBackend=cpu

# CUDA restore, kept apart: TorchSharp-cuda-linux pulls libtorch-cuda-12.8-linux-x64, several GB
# of native libraries split over many packages, which only nuget.org (or a mirror of it) serves.
# A build machine without it fails here, naming the package; the CPU path never runs this stage.
FROM source AS restore-cuda
RUN dotnet restore src/BamOrleans.Silo -p:TorchBackend=cuda \
 && dotnet restore src/BamOrleans.Cli -p:TorchBackend=cuda

# The same publish for both variants (scripts/check-image.sh runs these two commands).
FROM restore-${TORCH} AS build
ARG TORCH
RUN dotnet publish src/BamOrleans.Silo -c Release --no-restore -p:TorchBackend=${TORCH} -o /app/silo \
 && dotnet publish src/BamOrleans.Cli -c Release --no-restore -p:TorchBackend=${TORCH} -o /app/bam

# ---- runtime bases ----
# CPU: the .NET runtime on Debian 13, whose libstdc++ already provides GLIBCXX_3.4.32.
FROM ${DOTNET_RUNTIME_IMAGE} AS dotnet-runtime
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS base-cpu

# CUDA: NVIDIA's base with the .NET runtime copied in from Microsoft's image (the same files the
# runtime image installs), plus the libraries .NET itself needs on Ubuntu.
FROM ${CUDA_IMAGE} AS base-cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libicu74 libssl3t64 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet
# Every GPU of the node unless the orchestrator says otherwise; compute only, no graphics.
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility

# Shared by both images: the default dataset (Debian's Fashion-MNIST, where the config's default
# paths point), the report figures' font, and an unprivileged user.
FROM base-${TORCH} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends dataset-fashion-mnist fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 bam
WORKDIR /home/bam
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---- the images ----
# The silo: one Orleans silo; its slots train on --device (default auto: every visible GPU).
FROM runtime AS bam-silo
COPY --from=build /app/silo /app
ENV PATH="/app:${PATH}"
USER 10001
# Silo-to-silo and gateway ports (--silo-port, --gateway-port defaults).
EXPOSE 11111 30000
ENTRYPOINT ["bam-silo"]

# The CLI (last, so a plain `docker build .` builds it, as before).
FROM runtime AS bam
COPY --from=build /app/bam /app
ENV PATH="/app:${PATH}"
USER 10001
ENTRYPOINT ["bam"]
CMD ["local"]
