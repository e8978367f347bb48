using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Movement.Store.InfluxDb;

/// <summary>One series of an InfluxQL result: its tags (GROUP BY) and rows by column name.</summary>
public sealed record InfluxSeries(string Name, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Values)
{
    private readonly Dictionary<string, int> _index = Columns.Select((c, i) => (c, i)).DistinctBy(x => x.c).ToDictionary(x => x.c, x => x.i);

    public int Column(string name) => _index.GetValueOrDefault(name, -1);
}

/// <summary>
/// InfluxQL over HTTP <c>GET /query</c> (InfluxDB 1.x, 2.x v1-compatibility and 3.x). InfluxDB.Client has only Flux,
/// which 1.x and 3.x do not run. Times come back as integer nanoseconds (<c>epoch=ns</c>).
/// </summary>
public sealed class InfluxQlClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _database;
    private readonly string? _retentionPolicy;

    public InfluxQlClient(InfluxDbOptions options)
    {
        // A trailing slash keeps a path prefix (e.g. behind a reverse proxy) when "query" is resolved against it.
        var baseAddress = options.Url!.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = options.Timeout };
        if (!string.IsNullOrEmpty(options.Token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", options.Token);
        }

        _database = options.Database;
        _retentionPolicy = string.IsNullOrEmpty(options.RetentionPolicy) ? null : options.RetentionPolicy;
    }

    /// <summary>Quotes a string literal for InfluxQL.</summary>
    public static string Literal(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    public static string Nanos(DateTimeOffset time) => ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);

    public static DateTimeOffset FromNanos(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);

    /// <summary>Runs one or more statements (separated by ';'); returns the series of each statement in order.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<InfluxSeries>>> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var uri = new StringBuilder("query?epoch=ns&db=").Append(Uri.EscapeDataString(_database));
        if (_retentionPolicy is not null)
        {
            uri.Append("&rp=").Append(Uri.EscapeDataString(_retentionPolicy));
        }

        uri.Append("&q=").Append(Uri.EscapeDataString(query));
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, uri.ToString()), cancellationToken).ConfigureAwait(false);
        return await ParseAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a statement that changes the server (e.g. CREATE DATABASE) with POST, as 1.x requires.</summary>
    public async Task ExecuteAsync(string statement, CancellationToken cancellationToken)
    {
        using var content = new FormUrlEncodedContent([new("q", statement)]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "query") { Content = content };
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ParseAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new StoreUnavailableException($"InfluxDB query failed: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new StoreUnavailableException("InfluxDB query timed out", ex);
            }
        }
    }

    private static async Task<IReadOnlyList<IReadOnlyList<InfluxSeries>>> ParseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw status >= 500 || status == 404
                ? new StoreUnavailableException($"InfluxDB answered {status} with a body that is not JSON", ex)
                : new StoreRejectedException($"InfluxDB answered {status} with a body that is not JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var topError))
            {
                var message = $"InfluxDB query error ({status}): {topError.GetString()}";
                throw status >= 500 ? new StoreUnavailableException(message) : new StoreRejectedException(message);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw status >= 500 ? new StoreUnavailableException($"InfluxDB answered {status}") : new StoreRejectedException($"InfluxDB answered {status}");
            }

            var results = new List<IReadOnlyList<InfluxSeries>>();
            foreach (var result in root.GetProperty("results").EnumerateArray())
            {
                if (result.TryGetProperty("error", out var error))
                {
                    throw new StoreRejectedException($"InfluxQL statement failed: {error.GetString()}");
                }

                var seriesList = new List<InfluxSeries>();
                if (result.TryGetProperty("series", out var series))
                {
                    foreach (var s in series.EnumerateArray())
                    {
                        var tags = new Dictionary<string, string>();
                        if (s.TryGetProperty("tags", out var tagObject))
                        {
                            foreach (var tag in tagObject.EnumerateObject())
                            {
                                tags[tag.Name] = tag.Value.GetString() ?? "";
                            }
                        }

                        var columns = s.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
                        var values = s.TryGetProperty("values", out var rows)
                            ? rows.EnumerateArray().Select(row => row.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList()
                            : [];
                        seriesList.Add(new InfluxSeries(s.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "", tags, columns, values));
                    }
                }

                results.Add(seriesList);
            }

            return results;
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Typed access to one row of an <see cref="InfluxSeries"/>.</summary>
public readonly struct InfluxRow(InfluxSeries series, JsonElement[] values)
{
    public JsonElement this[string column] => series.Column(column) is var i and >= 0 ? values[i] : default;

    public DateTimeOffset Time => InfluxQlClient.FromNanos(this["time"].GetInt64());

    /// <summary>The row's time in nanoseconds since the Unix epoch (exact; <see cref="Time"/> keeps only 100 ns ticks).</summary>
    public long Int64Nanos() => this["time"].GetInt64();

    public string? String(string column) => this[column] is { ValueKind: JsonValueKind.String } v ? v.GetString() : series.Tags.GetValueOrDefault(column);

    public long Int64(string column) => this[column] is { ValueKind: JsonValueKind.Number } v ? (v.TryGetInt64(out var l) ? l : (long)v.GetDouble()) : 0;

    public double Double(string column) => this[column] is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : 0;

    public bool Bool(string column) => this[column].ValueKind == JsonValueKind.True;

    public bool Has(string column) => this[column].ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);

    public static IEnumerable<InfluxRow> Of(IEnumerable<InfluxSeries> series) =>
        series.SelectMany(s => s.Values.Select(v => new InfluxRow(s, v)));
}
