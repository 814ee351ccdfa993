using System.Buffers;
using AuthProxy.Parameters;

namespace AuthProxy.Policy;

/// <summary>
/// For policies whose graph is a query parameter: PHP's <c>$_REQUEST</c>, Rails' <c>params</c>,
/// Laravel's <c>input()</c> and ASP.NET model binding also read that name from a form body (Rails,
/// Laravel and ASP.NET from a JSON body's top-level members too), and prefer it to the query's. So
/// a form or JSON body is read (up to <c>AuthProxy:MaxGraphBodyBytes</c>, buffered so it is still
/// forwarded whole) and must not carry the name in any spelling; bodies AuthProxy cannot read that
/// way are refused. Only these policies ever read a body here.
/// </summary>
internal static class GraphBodyCheck
{
    /// <summary>Why the body may name another graph (the "because" of a graph-scope refusal), or null when it does not.</summary>
    public static async Task<string?> RunAsync(HttpRequest request, GraphSource source, int limit, CancellationToken cancellationToken)
    {
        var shape = BodyShape.Of(request);
        if (!shape.MayCarryParameters)
        {
            return null;
        }

        var which = source.Describe();
        if (shape.Problem is { } problem)
        {
            return $"the request body ({shape.MediaType}) cannot be checked for a graph that backends may read as {which}: {problem}";
        }

        if ((shape.Kinds & BodyKinds.Multipart) != 0)
        {
            return $"the request body is {shape.MediaType}, which AuthProxy does not read on routes whose graph is {which}, and backends may read a graph from it; "
                + "send form or JSON bodies on this route";
        }

        var tooLarge = $"the request body ({shape.MediaType}) is larger than {limit} bytes (AuthProxy:MaxGraphBodyBytes), too large to check for a graph that backends may read as {which}";
        if (request.ContentLength > limit)
        {
            return tooLarge;
        }

        request.EnableBuffering(bufferThreshold: limit + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var total = 0;
            while (total <= limit)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(total, limit + 1 - total), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > limit)
            {
                return tooLarge;
            }

            request.Body.Position = 0;
            var scan = new BodyScan(shape.Kinds, [source.Name]);
            if (!scan.Read(buffer.AsSpan(0, total)))
            {
                scan.Complete();
            }

            return scan.Matcher.Found is { } key
                ? $"the request carries '{Errors.Denials.Show(key)}' in its body ({shape.MediaType}), which backends may read as {which}; send the graph only as {which}"
                : null;
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return $"the request body ({shape.MediaType}) could not be read to check it for a graph that backends may read as {which}";
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
