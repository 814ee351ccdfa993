using System.Net;
using AuthProxy.Configuration;
using AuthProxy.Telemetry;
using AuthProxy.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthProxy.Tests.Users;

public sealed class LoginThrottleTests
{
    private static LoginThrottle Create(FakeTimeProvider time, ThrottlingOptions? options = null)
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new AuthProxyMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        return new LoginThrottle(Options.Create(options ?? new ThrottlingOptions()), time, metrics);
    }

    [Fact]
    public void WhenTheTablesAreFull_NewKeysAreRefused_UntilTheWindowSlides()
    {
        var time = new FakeTimeProvider();
        using var throttle = Create(time, new ThrottlingOptions { AddressFailures = 1_000_000 });
        var refused = 0;
        for (var i = 0; i < 60_000 && refused == 0; i++)
        {
            var address = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
            if (!throttle.TryBegin("user" + i, address, out _, out var spent))
            {
                refused++;
                Assert.Equal("capacity", spent);
            }
        }

        Assert.Equal(1, refused);
        Assert.True(throttle.Tracked <= 100_000);

        // Attempts whose entries exist go on: the full table refuses only newcomers.
        Assert.True(throttle.TryBegin("user0", new IPAddress([10, 0, 0, 0]), out _, out _));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(throttle.TryBegin("late", IPAddress.Parse("192.0.2.1"), out _, out _));
    }

    [Fact]
    public void ASuccess_GivesItsReservationBack()
    {
        var time = new FakeTimeProvider();
        using var throttle = Create(time, new ThrottlingOptions { AccountFailures = 2 });
        var address = IPAddress.Parse("192.0.2.9");
        for (var i = 0; i < 5; i++)
        {
            Assert.True(throttle.TryBegin("kevin", address, out var attempt, out _));
            throttle.Succeeded(attempt);
        }

        Assert.True(throttle.TryBegin("kevin", address, out _, out _));
        Assert.True(throttle.TryBegin("kevin", address, out _, out _));
        Assert.False(throttle.TryBegin("kevin", address, out _, out var spent));
        Assert.Equal("account", spent);
    }

    [Fact]
    public void EntriesWithNothingLeft_AreDroppedWhenTheTableIsFull()
    {
        var time = new FakeTimeProvider();
        using var throttle = Create(time, new ThrottlingOptions { AddressFailures = 1_000_000 });
        for (var i = 0; i < 50_000; i++)
        {
            Assert.True(throttle.TryBegin("user" + i, new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]), out var attempt, out _));
            throttle.Succeeded(attempt); // successful logins give their units back: their entries hold nothing
        }

        Assert.True(throttle.TryBegin("one-more", IPAddress.Parse("192.0.2.1"), out _, out _));
    }

    [Fact]
    public void Ipv6Addresses_ShareTheirSlash64()
    {
        Assert.Equal(LoginThrottle.AddressKey(IPAddress.Parse("2001:db8:1:2:aaaa::1")), LoginThrottle.AddressKey(IPAddress.Parse("2001:db8:1:2:bbbb::2")));
        Assert.NotEqual(LoginThrottle.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), LoginThrottle.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("192.0.2.1", LoginThrottle.AddressKey(IPAddress.Parse("::ffff:192.0.2.1")));
    }
}
