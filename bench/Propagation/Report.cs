using System.Globalization;
using System.Text;

namespace Propagation;

/// <summary>The Markdown summary of a run: per receiving instance and overall.</summary>
internal sealed class Report
{
    /// <summary>The promise of the PostgreSQL store: a revocation holds on every instance within a second.</summary>
    private const double PromiseMs = 1000;

    private const double SlowMs = 200;

    private readonly Settings _settings;
    private readonly IReadOnlyList<Revocation> _revocations;

    public Report(Settings settings, IReadOnlyList<Revocation> revocations)
    {
        _settings = settings;
        _revocations = revocations;
    }

    private IEnumerable<Poll> Polls => _revocations.SelectMany(r => new[] { r.B, r.C });

    /// <summary>Every revocation held everywhere within the promise, and nothing but 200 and the revocation's 401 was answered.</summary>
    public bool Passed =>
        Polls.All(p => p.Refused && p.Held.TotalMilliseconds <= PromiseMs) && Polls.Sum(p => p.Unexpected) == 0 && _revocations.All(r => r.RefusedOnA);

    public string Markdown()
    {
        var text = new StringBuilder();
        Line(text, "| receiving instance | revocations | p50 ms | p90 ms | p99 ms | max ms | over 200 ms | over 1 s | held at the first poll | polls a revocation |");
        Line(text, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Row(text, "B", _revocations.Select(r => r.B).ToList());
        Row(text, "C", _revocations.Select(r => r.C).ToList());
        Row(text, "B and C", Polls.ToList());
        Line(text, string.Empty);

        var span = new Series(Polls.Select(p => p.Uncertainty));
        Line(text, string.Create(CultureInfo.InvariantCulture,
            $"Each time runs from the moment A's answer to the revoke arrived to the moment the instance's first 401 arrived, B and C polled at the same time, a poll started at most every {_settings.Interval.TotalMilliseconds:0.#} ms; the revocation took hold between the sending of the last poll that still passed and that 401 (that span: p50 {span.Percentile(50):F2} ms, p99 {span.Percentile(99):F2} ms)."));
        var login = new Series(_revocations.Select(r => r.Login));
        var revoke = new Series(_revocations.Select(r => r.Revoke));
        Line(text, string.Create(CultureInfo.InvariantCulture,
            $"On A: GridGain login p50 {login.Percentile(50):F1} ms (p99 {login.Percentile(99):F1}), revoke p50 {revoke.Percentile(50):F1} ms (p99 {revoke.Percentile(99):F1}); A refused the token at its next request after its own revoke in {_revocations.Count(r => r.RefusedOnA)} of {_revocations.Count}."));
        var notHeld = Polls.Count(p => !p.Refused);
        var unexpected = Polls.Sum(p => p.Unexpected);
        Line(text, string.Create(CultureInfo.InvariantCulture,
            $"Not refused within the {_settings.Cap.TotalMilliseconds:0} ms cap: {notHeld}. Answers other than 200 and the revocation's 401 while polling: {unexpected}."));
        return text.ToString();
    }

    /// <summary>One line a revocation, tab-separated, times in milliseconds.</summary>
    public string Samples()
    {
        var text = new StringBuilder();
        Line(text, "revocation\tlogin_ms\trevoke_ms\tb_held_ms\tb_last_passed_sent_ms\tb_polls\tb_refused\tc_held_ms\tc_last_passed_sent_ms\tc_polls\tc_refused\ta_refused");
        foreach (var r in _revocations)
        {
            Line(text, string.Create(CultureInfo.InvariantCulture,
                $"{r.Number}\t{r.Login.TotalMilliseconds:F3}\t{r.Revoke.TotalMilliseconds:F3}\t{r.B.Held.TotalMilliseconds:F3}\t{r.B.LastPassedSent.TotalMilliseconds:F3}\t{r.B.Polls}\t{r.B.Refused}\t{r.C.Held.TotalMilliseconds:F3}\t{r.C.LastPassedSent.TotalMilliseconds:F3}\t{r.C.Polls}\t{r.C.Refused}\t{r.RefusedOnA}"));
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, IReadOnlyList<Poll> polls)
    {
        var held = new Series(polls.Select(p => p.Refused ? p.Held : TimeSpan.MaxValue));
        var first = polls.Count(p => p.Refused && p.Polls == 1);
        var average = polls.Count == 0 ? 0 : polls.Average(p => p.Polls);
        Line(text, string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {held.Count} | {Ms(held.Percentile(50))} | {Ms(held.Percentile(90))} | {Ms(held.Percentile(99))} | {Ms(held.Max)} | {held.Over(SlowMs)} | {held.Over(PromiseMs)} | {first} ({Percent(first, polls.Count)}) | {average:F1} |"));
    }

    private static string Ms(double milliseconds) =>
        milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? "not held" : milliseconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Percent(int part, int whole) =>
        whole == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:F0} %");

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
