using System.Buffers;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Movement.Messaging;

/// <summary>What a component asks of its broker connection.</summary>
public sealed class MqttConnectionSetup
{
    /// <summary>Role appended to the client id prefix, e.g. "gateway-hall1".</summary>
    public required string ClientName { get; init; }

    public IReadOnlyList<(string TopicFilter, MqttQualityOfServiceLevel Qos)> Subscriptions { get; init; } = [];

    /// <summary>Keep the session (and queued QoS 1 messages) on the broker across reconnects.</summary>
    public bool PersistentSession { get; init; }

    public MqttApplicationMessage? Will { get; init; }

    /// <summary>Runs after every successful (re)connect and subscribe, e.g. to publish retained availability.</summary>
    public Func<MqttConnection, CancellationToken, Task>? OnConnected { get; init; }

    /// <summary>
    /// Handles one message. The broker's acknowledgement (QoS 1) is sent only after it returns, so a handler
    /// that stores durably before returning loses nothing. Exceptions are logged and counted, never rethrown.
    /// </summary>
    public Func<string, ReadOnlySequence<byte>, CancellationToken, ValueTask>? OnMessage { get; init; }

    /// <summary>
    /// Alternative to <see cref="OnMessage"/> for handlers that acknowledge later (e.g. after a group commit): the next
    /// message is delivered as soon as this returns, and the QoS 1 acknowledgement goes only when the handler calls
    /// <see cref="MqttDeferredAck.AcknowledgeAsync"/>, which it must do in message order (MQTT wants PUBACKs in order).
    /// The payload is valid only during the call. If the handler throws, the message is logged, counted and
    /// acknowledged, as with <see cref="OnMessage"/>. Set one of the two handlers, not both.
    /// </summary>
    public Func<string, ReadOnlySequence<byte>, MqttDeferredAck, CancellationToken, ValueTask>? OnMessageDeferredAck { get; init; }
}

/// <summary>The pending acknowledgement of one message received by an <see cref="MqttConnectionSetup.OnMessageDeferredAck"/> handler.</summary>
public sealed class MqttDeferredAck
{
    private readonly MqttApplicationMessageReceivedEventArgs _message;
    private readonly MqttConnection _connection;
    private readonly long _connectionNumber;

    internal MqttDeferredAck(MqttApplicationMessageReceivedEventArgs message, MqttConnection connection, long connectionNumber)
    {
        _message = message;
        _connection = connection;
        _connectionNumber = connectionNumber;
    }

    /// <summary>
    /// Sends the acknowledgement. Returns false, sending nothing, when the connection the message came on has gone:
    /// the broker then re-delivers the message on the next connection (persistent session), and an acknowledgement
    /// on the new connection could match a different packet with the same id.
    /// </summary>
    public async Task<bool> AcknowledgeAsync(CancellationToken cancellationToken)
    {
        if (!_connection.IsSameConnection(_connectionNumber))
        {
            return false;
        }

        try
        {
            await _message.AcknowledgeAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }
}

/// <summary>
/// One component's connection to the broker: connects, subscribes, and reconnects with exponential backoff
/// until cancelled. MQTTnet 5 has no managed client; this is ours.
/// </summary>
public sealed partial class MqttConnection : IDisposable
{
    private readonly MqttConnectionOptions _options;
    private readonly MqttConnectionSetup _setup;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IMqttClient _client;
    private readonly MqttTls? _tls;
    private readonly Counter<long> _received;
    private readonly Counter<long> _handlerFailures;
    private readonly Counter<long> _published;
    private readonly Counter<long> _reconnects;
    private readonly Counter<long> _rejected;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _runToken;
    private long _connectionNumber;

    public MqttConnection(MqttConnectionOptions options, MqttConnectionSetup setup, ILogger logger, TimeProvider time, IMeterFactory? meters = null)
    {
        if (setup.OnMessage is not null && setup.OnMessageDeferredAck is not null)
        {
            throw new ArgumentException("Set OnMessage or OnMessageDeferredAck, not both.", nameof(setup));
        }

        _options = options;
        _setup = setup;
        _logger = logger;
        _time = time;
        _client = new MqttClientFactory().CreateMqttClient();
        _tls = options.UseTls ? new MqttTls(options) : null;
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += _ =>
        {
            Interlocked.Increment(ref _connectionNumber);
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        var meter = meters?.Create("Movement.Mqtt") ?? new Meter("Movement.Mqtt");
        var tag = new KeyValuePair<string, object?>("client", setup.ClientName);
        _received = meter.CreateCounter<long>("movement.mqtt.messages_received", "{message}", null, [tag]);
        _handlerFailures = meter.CreateCounter<long>("movement.mqtt.handler_failures", "{failure}", null, [tag]);
        _published = meter.CreateCounter<long>("movement.mqtt.messages_published", "{message}", null, [tag]);
        _rejected = meter.CreateCounter<long>("movement.mqtt.messages_rejected", "{message}", "Messages refused as malformed or misplaced", [tag]);
        _reconnects = meter.CreateCounter<long>("movement.mqtt.reconnects", "{reconnect}", null, [tag]);
    }

    public string ClientId => $"{_options.ClientIdPrefix}-{_setup.ClientName}";

    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects and stays connected until <paramref name="cancellationToken"/> fires, then disconnects and returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _runToken = cancellationToken;
        var reconnect = Backoff.Forever(_options.ReconnectDelayMin, _options.ReconnectDelayMax, _time,
            ex => ex is MqttConnectFailedException || IsBrokerUnreachable(ex),
            (ex, delay) => LogConnectFailed(_logger, ex, ClientId, _options.ToString(), delay));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A new execution after every disconnect: the back-off starts again from the minimum.
                await reconnect.ExecuteAsync(async token =>
                {
                    _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    await ConnectOnceAsync(token).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
                await _disconnected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                LogDisconnected(_logger, ClientId);
                _reconnects.Add(1);

                // A short pause even after a good connection, so a broker that drops us at once is not hammered.
                await Task.Delay(_options.ReconnectDelayMin, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        if (_client.IsConnected)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptions(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsBrokerUnreachable(ex))
            {
                // The broker went away before the client noticed: there is nobody left to say goodbye to.
                LogDisconnectFailed(_logger, ex, ClientId);
            }
        }
    }

    /// <summary>The ways a connect or a disconnect fails when the broker cannot be reached or stops answering.</summary>
    private static bool IsBrokerUnreachable(Exception ex) =>
        ex is MQTTnet.Exceptions.MqttCommunicationException or IOException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException;

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithCleanStart(!_setup.PersistentSession);
        if (_setup.PersistentSession)
        {
            builder.WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds);
        }

        if (_options.Username is not null)
        {
            builder.WithCredentials(_options.Username, _options.Password);
        }

        if (_tls is { } mqttTls)
        {
            if (_options.AllowUntrustedCertificates)
            {
                LogUntrustedAllowed(_logger, ClientId, _options.ToString());
            }

            builder.WithTlsOptions(tls =>
            {
                tls.UseTls()
                    .WithTargetHost(mqttTls.ServerName)
                    .WithCertificateValidationHandler(e => mqttTls.Accept(e.Certificate, e.Chain, e.SslPolicyErrors));
                if (mqttTls.ClientCertificate is { } clientCertificate)
                {
                    tls.WithClientCertificates([clientCertificate]);
                }
            });
        }

        if (_setup.Will is { } will)
        {
            builder.WithWillTopic(will.Topic)
                .WithWillPayload(will.Payload.ToArray())
                .WithWillRetain(will.Retain)
                .WithWillQualityOfServiceLevel(will.QualityOfServiceLevel);
        }

        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(TimeSpan.FromSeconds(15));
        MqttClientConnectResult result;
        try
        {
            result = await _client.ConnectAsync(builder.Build(), connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (_tls?.TakeRefusal() is { } refusal)
        {
            // The platform says only "the remote certificate was rejected": say by whom, and why.
            LogCertificateRefused(_logger, ClientId, _options.ToString(), refusal);
            throw new MqttConnectFailedException($"the broker's certificate was refused: {refusal}", ex);
        }

        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new MqttConnectFailedException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        // Subscribe on every connect, even when the broker kept the session: retained messages (the running session)
        // are only delivered on a subscribe, so a component restarted against a kept session never got them. The broker
        // replaces an existing subscription and keeps the session's queued messages.
        if (_setup.Subscriptions.Count > 0)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var (filter, qos) in _setup.Subscriptions)
            {
                subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(qos));
            }

            var subscribed = await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
            foreach (var item in subscribed.Items)
            {
                if ((int)item.ResultCode > 2)
                {
                    throw new MqttConnectFailedException($"subscription to '{item.TopicFilter.Topic}' refused: {item.ResultCode}");
                }
            }
        }

        LogConnected(_logger, ClientId, _options, result.IsSessionPresent);
        if (_setup.OnConnected is { } onConnected)
        {
            await onConnected(this, cancellationToken).ConfigureAwait(false);
        }

        _connected.TrySetResult();
    }

    /// <summary>Publishes one message; throws <see cref="MqttNotConnectedException"/> while the broker is unreachable.</summary>
    public async Task PublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new MqttNotConnectedException($"{ClientId} is not connected to {_options}");
        }

        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException or IOException or ObjectDisposedException)
        {
            throw new MqttNotConnectedException($"{ClientId} lost its connection while publishing: {ex.Message}", ex);
        }

        if (!result.IsSuccess && result.ReasonCode != MqttClientPublishReasonCode.NoMatchingSubscribers)
        {
            throw new MqttPublishRefusedException($"broker refused publish to '{message.Topic}': {result.ReasonCode} {result.ReasonString}");
        }

        _published.Add(1);
    }

    /// <summary>
    /// Publishes one message whatever the broker does meanwhile: while it is unreachable, and when MQTTnet gives up
    /// waiting for an acknowledgement (it throws <see cref="OperationCanceledException"/> on its own timeout), waits
    /// for the next connection and tries again. Returns false, after logging, when the broker refuses the message (a
    /// refusal such as "not authorised" does not change on retry). Ends only when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public Task<bool> PublishUntilDeliveredAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken) =>
        MqttDelivery.UntilDeliveredAsync(
            token => PublishAsync(topic, payload, retain, token),
            WaitConnectedAsync,
            refused => LogPublishRefused(_logger, refused, ClientId, topic),
            cancellationToken);

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken,
        MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload.ToArray())
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(qos)
            .Build(), cancellationToken);

    /// <summary>Waits until the connection is up, subscribed and its OnConnected step has run.</summary>
    public Task WaitConnectedAsync(CancellationToken cancellationToken) => _connected.Task.WaitAsync(cancellationToken);

    internal bool IsSameConnection(long connectionNumber) => Interlocked.Read(ref _connectionNumber) == connectionNumber && _client.IsConnected;

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        _received.Add(1);
        if (_setup.OnMessageDeferredAck is { } deferred)
        {
            await OnMessageDeferredAckAsync(e, deferred).ConfigureAwait(false);
            return;
        }

        if (_setup.OnMessage is not { } handler)
        {
            return;
        }

        try
        {
            await handler(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, _runToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_runToken.IsCancellationRequested)
        {
            // Shutting down: leave the message unacknowledged so the broker redelivers it.
            e.ProcessingFailed = true;
        }
        catch (Exception ex)
        {
            _handlerFailures.Add(1);
            LogHandlerFailed(_logger, ex, ClientId, e.ApplicationMessage.Topic);
        }
    }

    private async Task OnMessageDeferredAckAsync(MqttApplicationMessageReceivedEventArgs e, Func<string, ReadOnlySequence<byte>, MqttDeferredAck, CancellationToken, ValueTask> handler)
    {
        e.AutoAcknowledge = false;
        var ack = new MqttDeferredAck(e, this, Interlocked.Read(ref _connectionNumber));
        try
        {
            await handler(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload, ack, _runToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_runToken.IsCancellationRequested)
        {
            // Shutting down: leave the message unacknowledged so the broker redelivers it.
        }
        catch (Exception ex)
        {
            _handlerFailures.Add(1);
            LogHandlerFailed(_logger, ex, ClientId, e.ApplicationMessage.Topic);
            await ack.AcknowledgeAsync(_runToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reports a received message the component refuses (bad topic, payload that does not decode, misplaced data):
    /// logged with the reason and counted in <c>movement.mqtt.messages_rejected</c>; the stream goes on.
    /// </summary>
    public void RejectMessage(string topic, string reason)
    {
        _rejected.Add(1);
        // At most RejectionLogLimit lines a minute, then one line saying how many more were refused: a flood of bad
        // messages must not flood the log.
        var now = _time.GetUtcNow();
        lock (_rejectionLogLock)
        {
            if (now - _rejectionWindowStart >= RejectionLogWindow)
            {
                if (_rejectionsNotLogged > 0)
                {
                    LogRejectedUnlogged(_logger, ClientId, _rejectionsNotLogged, RejectionLogWindow);
                }

                (_rejectionWindowStart, _rejectionsLogged, _rejectionsNotLogged) = (now, 0, 0);
            }

            if (_rejectionsLogged >= RejectionLogLimit)
            {
                _rejectionsNotLogged++;
                return;
            }

            _rejectionsLogged++;
        }

        LogRejected(_logger, ClientId, topic, reason);
    }

    /// <summary>Rejections logged in full per <see cref="RejectionLogWindow"/>; the rest are counted.</summary>
    public const int RejectionLogLimit = 10;

    public static readonly TimeSpan RejectionLogWindow = TimeSpan.FromMinutes(1);

    private readonly Lock _rejectionLogLock = new();
    private DateTimeOffset _rejectionWindowStart = DateTimeOffset.MinValue;
    private int _rejectionsLogged;
    private long _rejectionsNotLogged;

    public void Dispose()
    {
        _client.Dispose();
        _tls?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{ClientId} refused the TLS certificate of {Broker}: {Reason}")]
    private static partial void LogCertificateRefused(ILogger logger, string clientId, string broker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClientId} connects to {Broker} with AllowUntrustedCertificates: the broker's identity is not checked (test rigs only)")]
    private static partial void LogUntrustedAllowed(ILogger logger, string clientId, string broker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClientId} rejected {Count} more messages in the last {Window} (not logged one by one; all counted in movement.mqtt.messages_rejected)")]
    private static partial void LogRejectedUnlogged(ILogger logger, string clientId, long count, TimeSpan window);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ClientId} connected to {Broker} (session present: {SessionPresent})")]
    private static partial void LogConnected(ILogger logger, string clientId, MqttConnectionOptions broker, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClientId} disconnected; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClientId} could not connect to {Broker}; retrying in {Delay}")]
    private static partial void LogConnectFailed(ILogger logger, Exception exception, string clientId, string broker, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "{ClientId}: broker refused a message for {Topic}")]
    private static partial void LogPublishRefused(ILogger logger, Exception exception, string clientId, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "{ClientId} could not say goodbye to the broker on shutdown")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception exception, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClientId} rejected a message on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string clientId, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{ClientId} failed to handle a message on {Topic}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string clientId, string topic);
}

public sealed class MqttConnectFailedException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class MqttNotConnectedException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class MqttPublishRefusedException(string message) : Exception(message);
