using System.Text.Json.Nodes;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

/// <summary>A watch read line by line over plain HTTP, for what the client library hides (stream end, abort, raw events).</summary>
internal sealed class RawWatch : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private RawWatch(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public int StatusCode => (int)_response.StatusCode;

    public static async Task<RawWatch> OpenAsync(HttpClient http, string pathAndQuery)
    {
        var response = await http.GetAsync(pathAndQuery.TrimStart('/'), HttpCompletionOption.ResponseHeadersRead, ApiServerHarness.Within());
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new RawWatch(response, reader);
    }

    /// <summary>The next event, or null when the server ended the stream cleanly.</summary>
    public async Task<JsonObject?> NextAsync(TimeSpan? timeout = null)
    {
        var line = await _reader.ReadLineAsync(ApiServerHarness.Within(timeout));
        return line is null ? null : JsonNode.Parse(line)!.AsObject();
    }

    public async Task<List<JsonObject>> TakeAsync(int count)
    {
        var events = new List<JsonObject>();
        while (events.Count < count && await NextAsync() is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
