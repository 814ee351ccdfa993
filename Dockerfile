# AuthProxy: a policy enforcement point in front of legacy REST backends.
#   docker build -t authproxy .
#   docker run -p 8080:8080 \
#     -v $PWD/routes.json:/etc/authproxy/routes.json:ro \
#     -v $PWD/samples/users.json:/etc/authproxy/users.json:ro \
#     -v $PWD/certs/out:/etc/authproxy/certs:ro \
#     -v authproxy-data:/var/lib/authproxy \
#     -e Security__JWT__HMAC__Secret=@/etc/authproxy/certs/jwt-hmac.secret \
#     authproxy
# No secret is baked into the image: keys, users and settings are mounted or passed at run time.
# Port 8080 serves clients; port 9090 is the management listener (/metrics, detailed /readyz):
# publish 8080 only and let Prometheus reach 9090 on the internal network.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The commit the image is built from, for --version: docker build --build-arg SOURCE_REVISION=$(git rev-parse HEAD) .
ARG SOURCE_REVISION=
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/AuthProxy/AuthProxy.csproj src/AuthProxy/
RUN dotnet restore src/AuthProxy/AuthProxy.csproj
COPY src/ src/
RUN dotnet publish src/AuthProxy/AuthProxy.csproj -c Release -o /app --no-restore -p:SourceRevisionId=$SOURCE_REVISION

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
COPY routes.json /etc/authproxy/routes.json

# The data directory (SQLite store, Data Protection keys) is a volume owned by the non-root user
# and closed to everyone else (a new named volume takes this mode); AuthProxy makes its files 0600.
# The settings folder is the user's too: the config verbs (docker exec ... config set) replace the
# settings file by writing beside it and renaming.
RUN mkdir -p /var/lib/authproxy /etc/authproxy/certs /etc/authproxy/settings \
 && chown -R $APP_UID /var/lib/authproxy /etc/authproxy/settings \
 && chmod 0700 /var/lib/authproxy /etc/authproxy/settings
VOLUME ["/var/lib/authproxy", "/etc/authproxy/settings"]

# DOTNET_JitHostMaxSlabCache=0: the JIT returns its working memory when a method is compiled instead
# of keeping up to 16 MB of it for the next one (about 6 MB less resident once the hot code is
# recompiled; a long-running proxy compiles little after its first minute).
ENV DOTNET_JitHostMaxSlabCache=0 \
    ASPNETCORE_HTTP_PORTS=8080 \
    AuthProxy__Management__Urls=http://+:9090 \
    AuthProxy__RoutesFile=/etc/authproxy/routes.json \
    AuthProxy__Store__ConnectionString="Data Source=/var/lib/authproxy/authproxy.db" \
    AUTHPROXY_SETTINGS=/etc/authproxy/settings/authproxy.settings.json \
    Users=@/etc/authproxy/users.json

USER $APP_UID
EXPOSE 8080 9090
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "AuthProxy.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "AuthProxy.dll"]
