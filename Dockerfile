# The `bam` CLI in a container (CPU build). Multi-stage: the SDK image builds, a runtime image runs.
# The GPU variant (TorchSharp-cuda-linux on an NVIDIA CUDA base), the silo image and the Kubernetes
# deployment arrive with the deployment issue; this file builds what exists today.
#   docker build -t bam .
#   docker run --rm bam local --steps 100
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props BamOrleans.sln ./
COPY src/ src/
RUN dotnet publish src/BamOrleans.Cli -c Release -o /app -p:TorchBackend=cpu

# Debian 13 base: its libstdc++ already provides GLIBCXX_3.4.32, so TorchSharp loads as is.
# fonts-dejavu-core: the labels of the run reports' figures.
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends dataset-fashion-mnist fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 bam
COPY --from=build /app /app
USER bam
WORKDIR /home/bam
ENTRYPOINT ["dotnet", "/app/bam.dll"]
CMD ["local"]
