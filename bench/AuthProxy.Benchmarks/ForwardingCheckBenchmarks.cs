using System.Text;
using AuthProxy.Forwarding;
using AuthProxy.Parameters;
using BenchmarkDotNet.Attributes;

namespace AuthProxy.Benchmarks;

/// <summary>
/// The checks every forwarded request pays before it leaves: matching each request header against
/// the strip list (bucketed, against the same list compared entry by entry as the baseline), and
/// reading a body's parameter names as it streams (against copying the same bytes, the least a
/// proxy does with a body).
/// </summary>
[MemoryDiagnoser]
public class ForwardingCheckBenchmarks
{
    /// <summary>The headers of a typical client request, none of them stripped.</summary>
    private static readonly string[] Headers =
    [
        "Host", "Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "Authorization", "Content-Type", "Content-Length",
        "Cookie", "traceparent", "X-Request-Id", "X-Requested-With", "Origin", "Referer",
    ];

    private readonly string[] _entries = [.. StrippedHeaders.DefaultEntries];
    private readonly byte[] _copy = new byte[64 * 1024];
    private byte[] _form = null!;
    private byte[] _json = null!;
    private byte[] _tiny = null!;

    [GlobalSetup]
    public void Setup()
    {
        _form = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 6000).Select(i => $"key{i}=value{i}&"))[..(64 * 1024)]);
        _tiny = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a&", 32 * 1024)));
        _json = Encoding.UTF8.GetBytes("{\"vertices\":{\"person\":{" + string.Concat(Enumerable.Range(0, 3000).Select(i => $"\"p{i}\":{{\"age\":{{\"value\":{i}}}}},"))[..(63 * 1024)] + "}}}");
    }

    [Benchmark(Baseline = true, Description = "strip list, every entry compared (14 headers)")]
    public int StripEveryEntry()
    {
        var matched = 0;
        foreach (var header in Headers)
        {
            foreach (var entry in _entries)
            {
                if (entry.EndsWith('*') ? HeaderSpelling.StartsWith(header, entry.AsSpan(0, entry.Length - 1)) : HeaderSpelling.Same(header, entry))
                {
                    matched++;
                    break;
                }
            }
        }

        return matched;
    }

    [Benchmark(Description = "strip list, hashed names and bucketed prefixes (14 headers)")]
    public int StripBucketed()
    {
        var matched = 0;
        foreach (var header in Headers)
        {
            if (StrippedHeaders.Default.Matches(header))
            {
                matched++;
            }
        }

        return matched;
    }

    [Benchmark(Description = "64 KB body copied")]
    public int CopyBody()
    {
        _form.CopyTo(_copy, 0);
        return _copy[^1];
    }

    [Benchmark(Description = "64 KB form body, keys read")]
    public bool ScanForm()
    {
        var scan = new BodyScan(BodyKinds.Form, RefusedParameters.DefaultNames);
        return scan.Read(_form) || scan.Complete();
    }

    [Benchmark(Description = "64 KB form body of one-character keys (a&a&...), keys read")]
    public bool ScanTinyKeys()
    {
        var scan = new BodyScan(BodyKinds.Form, RefusedParameters.DefaultNames);
        return scan.Read(_tiny) || scan.Complete();
    }

    [Benchmark(Description = "64 KB JSON body, top-level members read")]
    public bool ScanJson()
    {
        var scan = new BodyScan(BodyKinds.Json, RefusedParameters.DefaultNames);
        return scan.Read(_json) || scan.Complete();
    }
}
