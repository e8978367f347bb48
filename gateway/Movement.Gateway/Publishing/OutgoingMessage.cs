namespace Movement.Gateway.Publishing;

/// <summary>A message the gateway has produced and must deliver, in order, exactly as built.</summary>
public sealed record OutgoingMessage(string Topic, byte[] Payload, bool Retain);
