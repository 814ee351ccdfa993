# The RESTPP-like sample backend (samples/RestppBackend) for the replicas example; the repo's own
# Dockerfile builds AuthProxy only. Built from the repository root:
#   docker build -f deploy/replicas/backend.Dockerfile -t authproxy-sample-backend .
# It answers every request with what it received (method, path, headers, body): a stand-in for a
# legacy backend, never a real one.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY samples/RestppBackend/RestppBackend.csproj samples/RestppBackend/
RUN dotnet restore samples/RestppBackend/RestppBackend.csproj
COPY samples/RestppBackend/ samples/RestppBackend/
RUN dotnet publish samples/RestppBackend/RestppBackend.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=9000
USER $APP_UID
EXPOSE 9000
ENTRYPOINT ["dotnet", "RestppBackend.dll"]
