# syntax=docker/dockerfile:1
# The scaler's image: built with the .NET 10 SDK, run on the chiseled ASP.NET runtime (no shell, no package manager,
# non-root). Build from the repository root:   docker build -t orleans-kaito-scaler .
# It runs with a read-only root file system: the only writes are .NET's diagnostics socket and temporary files in
# /tmp, which the Helm chart mounts as an emptyDir.
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so a code change does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Abstractions/Abstractions.csproj Abstractions/
COPY Grains/Grains.csproj Grains/
COPY GrpcGateway/GrpcGateway.csproj GrpcGateway/
COPY Silo/Silo.csproj Silo/
RUN dotnet restore Silo/Silo.csproj
COPY Abstractions/ Abstractions/
COPY Grains/ Grains/
COPY GrpcGateway/ GrpcGateway/
COPY Silo/ Silo/
RUN dotnet publish Silo/Silo.csproj --configuration Release --no-restore --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# The scaler binds its own ports (Kestrel.Listen); the base image's default of 8080 would only log a warning.
ENV ASPNETCORE_HTTP_PORTS=
# 1654 is the base image's 'app' user; numeric, so the kubelet can verify runAsNonRoot.
USER 1654
# gRPC for KEDA, HTTP metrics and state pages, gRPC health (the Go scaler's three ports).
EXPOSE 10450 10451 10452
ENTRYPOINT ["dotnet", "OrleansKaitoScaler.Silo.dll", "--kubernetes"]
