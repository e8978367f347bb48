using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Movement.Messaging;

/// <summary>
/// The single-box broker: MQTTnet's server hosted in-process, authenticating every client against
/// <see cref="BrokerOptions.Users"/> and enforcing <see cref="BrokerPermissions"/> on publish and subscribe.
/// </summary>
public sealed partial class EmbeddedBroker(IOptions<BrokerOptions> options, ILogger<EmbeddedBroker> logger, IMeterFactory? meters = null)
    : IHostedService, IAsyncDisposable
{
    private const string UserKey = "movement.user";
    private readonly BrokerOptions _options = options.Value;
    private readonly Counter<long> _dropped = BrokerMeter(meters).CreateCounter<long>("movement.broker.messages_dropped", "{message}", "Dropped because a subscriber's queue was full");
    private readonly Counter<long> _tooLarge = BrokerMeter(meters).CreateCounter<long>("movement.broker.messages_too_large", "{message}", "Refused because the payload exceeded MaxPayloadBytes");
    private readonly Counter<long> _retainRefused = BrokerMeter(meters).CreateCounter<long>("movement.broker.retain_refused", "{message}", "Retained publishes refused: a topic that is not kept, over MaxRetainedPayloadBytes, or a new topic beyond MaxRetainedTopics");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _clientIdOwners = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _retainedTopics = new(StringComparer.Ordinal);
    private int _dropWarned;
    private int _tooLargeWarned;
    private MqttServer? _server;

    public int Port => _options.Port;

    // The factory hands out one meter per name, so both counters land on the same "Movement.Broker" meter.
    private static Meter BrokerMeter(IMeterFactory? meters) => meters?.Create("Movement.Broker") ?? new Meter("Movement.Broker");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        // MQTTnet opens an IPv4 and an IPv6 (dual-stack: any address) listener unless told otherwise, so a broker
        // "bound" to 127.0.0.1 was reachable from the network over [::]. Open only the configured address's family.
        var bind = IPAddress.Parse(_options.BindAddress);
        var ipv6 = bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(ipv6 ? IPAddress.None : bind)
            .WithDefaultEndpointBoundIPV6Address(ipv6 ? bind : IPAddress.None)
            .WithDefaultEndpointPort(_options.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .Build();
        serverOptions.DefaultEndpointOptions.NoDelay = true;

        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.QueuedApplicationMessageOverwrittenAsync += OnMessageDroppedAsync;
        _server.SessionDeletedAsync += OnSessionDeletedAsync;
        await _server.StartAsync().ConfigureAwait(false);
        LogStarted(logger, _options.BindAddress, _options.Port, _options.Users.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.StopAsync().ConfigureAwait(false);
            server.Dispose();
        }
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var user = FindUser(e.UserName, e.Password);
        if (user is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogRejected(logger, e.ClientId);
            return Task.CompletedTask;
        }

        // Identity comes from the credentials, never from the client id: a client id whose session belongs to another
        // account is refused, so presenting a service's id takes over neither its session nor its subscriptions.
        var owner = _clientIdOwners.GetOrAdd(e.ClientId, user.Username);
        if (!string.Equals(owner, user.Username, StringComparison.Ordinal))
        {
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            LogClientIdTaken(logger, e.ClientId, user.Username);
            return Task.CompletedTask;
        }

        e.SessionItems[UserKey] = user;
        e.ReasonCode = MqttConnectReasonCode.Success;
        return Task.CompletedTask;
    }

    /// <summary>A client id is free again once its session is gone (clean start, expiry, or never persisted).</summary>
    private Task OnSessionDeletedAsync(SessionDeletedEventArgs e)
    {
        _clientIdOwners.TryRemove(e.Id, out _);
        return Task.CompletedTask;
    }

    private BrokerUser? FindUser(string? username, string? password)
    {
        if (username is null || password is null)
        {
            return null;
        }

        var given = Encoding.UTF8.GetBytes(password);
        foreach (var user in _options.Users)
        {
            // Constant-time comparison so response time does not reveal how much of a password matched.
            if (user.Username == username && CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(user.Password)))
            {
                return user;
            }
        }

        return null;
    }

    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        var size = e.ApplicationMessage.Payload.Length;
        if (size > _options.MaxPayloadBytes)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            e.Response.ReasonString = $"payload of {size} bytes is over the broker's {_options.MaxPayloadBytes}-byte limit";
            _tooLarge.Add(1);
            if (Interlocked.Exchange(ref _tooLargeWarned, 1) == 0)
            {
                LogTooLarge(logger, e.ClientId, size, _options.MaxPayloadBytes);
            }

            return Task.CompletedTask;
        }

        // Messages the server itself injects carry no session user.
        if (e.SessionItems[UserKey] is BrokerUser user && !BrokerPermissions.CanPublish(user, e.ApplicationMessage.Topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogPublishDenied(logger, e.ClientId, e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        }

        if (e.ApplicationMessage.Retain && RetainRefusal(e.ApplicationMessage.Topic, size) is { } refusal)
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            e.Response.ReasonString = refusal;
            _retainRefused.Add(1);
        }

        return Task.CompletedTask;
    }

    /// <summary>Why a retained publish is refused, or null: the retained store stays bounded whatever clients send.</summary>
    private string? RetainRefusal(string topic, long size)
    {
        if (!BrokerPermissions.CanRetain(topic))
        {
            return "only the session, gateway availability and sensor status are retained";
        }

        if (size > _options.MaxRetainedPayloadBytes)
        {
            return $"a retained payload of {size} bytes is over the broker's {_options.MaxRetainedPayloadBytes}-byte limit";
        }

        if (size == 0)
        {
            _retainedTopics.TryRemove(topic, out _); // an empty retained message clears the topic
            return null;
        }

        // Racing publishes may overshoot the bound by a few; it still holds against floods of new topics.
        if (!_retainedTopics.ContainsKey(topic) && _retainedTopics.Count >= _options.MaxRetainedTopics)
        {
            return $"the broker already keeps retained messages on {_options.MaxRetainedTopics} topics";
        }

        _retainedTopics.TryAdd(topic, 0);
        return null;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[UserKey] is not BrokerUser user || !BrokerPermissions.CanSubscribe(user, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            LogSubscribeDenied(logger, e.ClientId, e.TopicFilter.Topic);
        }

        return Task.CompletedTask;
    }

    private Task OnMessageDroppedAsync(QueueMessageOverwrittenEventArgs e)
    {
        _dropped.Add(1);
        if (Interlocked.Exchange(ref _dropWarned, 1) == 0)
        {
            LogDropping(logger, e.ReceiverClientId, _options.MaxPendingMessagesPerClient);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscriber {ClientId} fell {Limit} messages behind: dropping its oldest queued messages (further drops are only counted)")]
    private static partial void LogDropping(ILogger logger, string clientId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Size}-byte publish by {ClientId}: over the {Limit}-byte limit (further refusals are only counted)")]
    private static partial void LogTooLarge(ILogger logger, string clientId, long size, int limit);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port} with {UserCount} configured users")]
    private static partial void LogStarted(ILogger logger, string address, int port, int userCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected MQTT client {ClientId}: bad username or password")]
    private static partial void LogRejected(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected MQTT client {ClientId}: that client id's session belongs to another account than '{Username}'")]
    private static partial void LogClientIdTaken(ILogger logger, string clientId, string username);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied publish by {ClientId} to {Topic}")]
    private static partial void LogPublishDenied(ILogger logger, string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Denied subscription by {ClientId} to {Topic}")]
    private static partial void LogSubscribeDenied(ILogger logger, string clientId, string topic);
}
