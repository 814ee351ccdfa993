using Yarp.ReverseProxy.Configuration;

namespace AuthProxy.Routing;

/// <summary>
/// The routes snapshot in force, as YARP's configuration provider. Swapping signals YARP, which
/// rebuilds its endpoints from the new snapshot.
/// </summary>
internal sealed class ActiveRoutes : IProxyConfigProvider
{
    private volatile RoutesSnapshot _current = RoutesSnapshot.CreateEmpty();

    public RoutesSnapshot Current => _current;

    public IProxyConfig GetConfig() => _current;

    public void Swap(RoutesSnapshot next)
    {
        var previous = Interlocked.Exchange(ref _current, next);
        previous.SignalReplaced();
    }
}
