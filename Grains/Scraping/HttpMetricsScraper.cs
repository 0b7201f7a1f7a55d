using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Telemetry;
using OrleansKaitoScaler.Grains.Scraping.Exposition;

namespace OrleansKaitoScaler.Grains.Scraping;

/// <summary>
/// Scrapes over one pooled <see cref="HttpClient"/> (connections are reused across grains and intervals).
/// Each scrape has its own timeout covering headers and body, a body-size cap, no redirects, and reads the
/// body into a pooled buffer that the parser walks once.
/// </summary>
public sealed class HttpMetricsScraper : IMetricsScraper, IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue[] s_accept =
    [
        // vLLM (prometheus_client) answers OpenMetrics when asked for it; ask for the text format the Go scaler reads.
        MediaTypeWithQualityHeaderValue.Parse("text/plain;version=0.0.4;q=1"),
        MediaTypeWithQualityHeaderValue.Parse("*/*;q=0.1"),
    ];

    private readonly HttpClient _client;
    private readonly ScrapeOptions _options;
    private readonly TimeProvider _time;
    private readonly ScalerTelemetry? _telemetry;

    public HttpMetricsScraper(IOptions<ScrapeOptions> options, TimeProvider time, ScalerTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _telemetry = telemetry;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = 4,
            UseCookies = false,
            UseProxy = false,
        };
        if (_options.ConnectCallback is { } connect)
        {
            handler.ConnectCallback = connect;
        }

        if (_options.AllowUntrustedCertificates)
        {
            // The operator's explicit, off-by-default opt-out for self-signed inference endpoints.
#pragma warning disable CA5359
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
#pragma warning restore CA5359
        }

        // Timeouts are per scrape (each endpoint's own), not the client's.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <inheritdoc />
    public async Task<EndpointScrape> ScrapeAsync(ScrapeEndpoint endpoint, TimeSpan timeout, FamilySelection families, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        using var activity = ScalerTelemetry.Source.StartActivity("scrape", ActivityKind.Client);
        activity?.SetTag("url.full", endpoint.Address);
        activity?.SetTag("oks.endpoint", endpoint.Name);
        var scrape = await ScrapeCoreAsync(endpoint, timeout, families, cancellationToken);
        var outcome = scrape.ErrorReason is { } reason ? reason.ToString() : "ok";
        if (activity is not null)
        {
            activity.SetTag("oks.outcome", outcome);
            activity.SetTag("oks.bytes", scrape.Bytes);
            if (scrape.Error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, scrape.Error);
            }
        }

        if (_telemetry is { } telemetry)
        {
            var tag = new KeyValuePair<string, object?>("outcome", outcome);
            telemetry.Scrapes.Add(1, tag);
            telemetry.ScrapeDuration.Record(scrape.Latency.TotalSeconds, tag);
            telemetry.ScrapeBytes.Add(scrape.Bytes);
        }

        return scrape;
    }

    private async Task<EndpointScrape> ScrapeCoreAsync(ScrapeEndpoint endpoint, TimeSpan timeout, FamilySelection families, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        if (endpoint.Url is null)
        {
            return Failure(endpoint, ScrapeErrorReason.InvalidAddress, $"'{endpoint.Address}' is not a valid URL: check the service's host and port", started);
        }

        using var timeoutSource = new CancellationTokenSource(EffectiveTimeout(timeout), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        byte[]? buffer = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.Url);
            foreach (var accept in s_accept)
            {
                request.Headers.Accept.Add(accept);
            }

            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var answered = _time.GetElapsedTime(started);
            if (Fail(endpoint, response, started) is { } rejected)
            {
                return rejected;
            }

            int length;
            (buffer, length) = await ReadBodyAsync(response, linked.Token);
            if (length > _options.MaxResponseBytes)
            {
                return Failure(endpoint, ScrapeErrorReason.TooLarge, $"body larger than the {_options.MaxResponseBytes}-byte cap", started, length);
            }

            var format = ExpositionFormats.FromContentType(response.Content.Headers.ContentType?.ToString());
            if (format == ExpositionFormat.PrometheusText && length > 0 && buffer[length - 1] != (byte)'\n' && IsCloseDelimited(response))
            {
                // Nothing but the final newline can tell a complete body from one cut short when the connection's end
                // is the body's end: "waiting 25" cut to "waiting 2" would parse. expfmt requires the newline always.
                return Failure(endpoint, ScrapeErrorReason.Malformed, "body ended without a final newline where the connection closed: cut short, not read", started, length);
            }

            var parsed = ExpositionParser.Parse(buffer.AsSpan(0, length), format, families);
            return parsed.Succeeded
                ? EndpointScrape.Success(endpoint.Name, parsed.Families, _time.GetElapsedTime(started), length, answered)
                : Failure(endpoint, ScrapeErrorReason.Malformed, $"malformed {format} exposition at {parsed.Error}", started, length);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failure(endpoint, ScrapeErrorReason.Timeout, $"no complete response within {FormatTimeout(timeout)}", started);
        }
        catch (HttpRequestException e)
        {
            return Failure(endpoint, ScrapeErrorReason.Connection, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message, started);
        }
        catch (IOException e)
        {
            return Failure(endpoint, ScrapeErrorReason.Connection, $"connection broke while reading the body: {e.Message}", started);
        }
        catch (InvalidDataException e)
        {
            return Failure(endpoint, ScrapeErrorReason.Malformed, $"body could not be decompressed: {e.Message}", started);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // A fault of ours (not the endpoint's) is still recorded on the endpoint, so it shows up as a
            // scrape error instead of the target silently going stale.
            return Failure(endpoint, ScrapeErrorReason.Internal, $"scraper fault {e.GetType().Name}: {e.Message}", started);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The trigger's timeout, capped at the scrape interval (never below 1 s): one hung replica then holds its
    /// target's round for at most an interval, well inside the staleness bound of three.
    /// </summary>
    public TimeSpan EffectiveTimeout(TimeSpan timeout)
    {
        var cap = _options.Interval > TimeSpan.FromSeconds(1) ? _options.Interval : TimeSpan.FromSeconds(1);
        return timeout < cap ? timeout : cap;
    }

    private EndpointScrape? Fail(ScrapeEndpoint endpoint, HttpResponseMessage response, long started)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            return Failure(endpoint, ScrapeErrorReason.Redirect, $"HTTP {status} redirect to '{response.Headers.Location}' refused: metrics endpoints are scraped where the inventory says", started);
        }

        if (!response.IsSuccessStatusCode)
        {
            return Failure(endpoint, ScrapeErrorReason.HttpStatus, $"HTTP {status} {response.ReasonPhrase}", started);
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && (mediaType.Contains("html", StringComparison.OrdinalIgnoreCase) || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)))
        {
            return Failure(endpoint, ScrapeErrorReason.ContentType, $"Content-Type '{mediaType}' is not a Prometheus exposition format", started);
        }

        if (response.Content.Headers.ContentLength is { } declared && declared > _options.MaxResponseBytes)
        {
            return Failure(endpoint, ScrapeErrorReason.TooLarge, $"Content-Length {declared} exceeds the {_options.MaxResponseBytes}-byte cap", started, declared);
        }

        return null;
    }

    /// <summary>
    /// An HTTP/1.x body with neither a <c>Content-Length</c> nor chunked framing ends when the connection closes, so
    /// the client cannot notice it being cut short (with either framing a short body is an I/O error). Decompressed
    /// bodies lose their <c>Content-Length</c> and count as close-delimited too: the check then only asks for the final
    /// newline every real exposition ends with.
    /// </summary>
    private static bool IsCloseDelimited(HttpResponseMessage response) =>
        response.Version.Major < 2 && response.Content.Headers.ContentLength is null && response.Headers.TransferEncodingChunked != true;

    /// <summary>Reads at most cap + 1 bytes into a pooled buffer, so an over-long body is detected without reading it all.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes + 1;
        var initial = (int)Math.Clamp(response.Content.Headers.ContentLength ?? 64 * 1024, 4096, limit);
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var length = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            while (length < limit)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, limit) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private EndpointScrape Failure(ScrapeEndpoint endpoint, ScrapeErrorReason reason, string error, long started, long bytes = 0) =>
        EndpointScrape.Failure(endpoint.Name, reason, error, _time.GetElapsedTime(started), bytes);

    private static string FormatTimeout(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1
            ? timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
            : timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
