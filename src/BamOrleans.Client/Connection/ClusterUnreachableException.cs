namespace BamOrleans.Client.Connection;

/// <summary>No cluster answered where the client looked within the connect timeout. The message
/// says where it looked and how to fix it; it never contains a Redis password.</summary>
public sealed class ClusterUnreachableException(string message, Exception? lastFailure = null) : Exception(message, lastFailure);
