using AuthProxy.Configuration;
using Microsoft.Extensions.Options;

namespace AuthProxy.Hosting;

/// <summary>
/// Hands <see cref="AuthProxyOptions.ShutdownTimeout"/> to the host. The host reads its options
/// when it is built, before the start checks every option and lists every problem: options that
/// fail their checks leave the host's default here, and the start stops on them anyway.
/// </summary>
internal sealed class ShutdownTimeoutSetup(IOptions<AuthProxyOptions> options) : IConfigureOptions<HostOptions>
{
    public void Configure(HostOptions host)
    {
        try
        {
            host.ShutdownTimeout = options.Value.ShutdownTimeout;
        }
        catch (OptionsValidationException)
        {
            // Listed with the other problems by the start (AuthProxyApp).
        }
    }
}
