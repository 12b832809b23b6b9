namespace Kernel.Net;

/// <summary>The addresses and ports of one packet to build.</summary>
/// <param name="SourceMac">Ethernet source.</param>
/// <param name="DestinationMac">Ethernet destination.</param>
/// <param name="SourceIp">IPv4 source (host order).</param>
/// <param name="DestinationIp">IPv4 destination (host order).</param>
/// <param name="Protocol"><see cref="Ipv4.ProtocolUdp"/> or <see cref="Ipv4.ProtocolTcp"/>.</param>
/// <param name="SourcePort">L4 source port.</param>
/// <param name="DestinationPort">L4 destination port.</param>
/// <param name="IpId">IPv4 identification.</param>
/// <param name="Sequence">TCP sequence number (ignored for UDP).</param>
public readonly record struct Flow(
    MacAddress SourceMac, MacAddress DestinationMac, uint SourceIp, uint DestinationIp,
    byte Protocol, ushort SourcePort, ushort DestinationPort, ushort IpId, uint Sequence);
