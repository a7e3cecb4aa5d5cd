package dev.canopy.node.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Host header allow-list that stops DNS rebinding: a page of {@code evil.example} whose name
 * the attacker re-points to this machine reaches the server with {@code Host: evil.example}, so the
 * server answers only names it knows: the bind address, {@code localhost}, loopback addresses
 * ({@code 127.0.0.0/8}, {@code [::1]}), the names and addresses of {@code httpHosts}, and, when bound
 * to every interface ({@code 0.0.0.0} or {@code ::}), the machine's own interface addresses (read
 * once, from {@link NetworkInterface}; nothing is resolved or sent). Ports are not compared.
 *
 * <p>Only IP literals are turned into addresses ({@link InetAddress#getByName} on a literal does no
 * lookup); a name is compared as text, ignoring case and a trailing dot. Immutable.
 */
final class HostCheck {

    private static final Logger LOG = LoggerFactory.getLogger(HostCheck.class);
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]+]");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9.-]+");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");

    private final Set<String> names;
    private final Set<InetAddress> addresses;
    private final String described;

    private HostCheck(Set<String> names, Set<InetAddress> addresses, String described) {
        this.names = names;
        this.addresses = addresses;
        this.described = described;
    }

    /**
     * @param bindHost  the address the server binds (a name or a literal; IPv6 with or without brackets)
     * @param httpHosts further names or addresses without ports, as {@code GridConfig.httpHosts()} checks them
     * @throws IllegalArgumentException naming an entry of {@code httpHosts} that is not a host name or address
     */
    static HostCheck of(String bindHost, List<String> httpHosts) {
        Set<String> names = new HashSet<>(Set.of("localhost"));
        Set<InetAddress> addresses = new HashSet<>();
        for (String host : httpHosts) {
            if (host == null || !(NAME.matcher(host).matches() || IPV6.matcher(host).matches())) {
                throw new IllegalArgumentException("httpHosts entries must be host names or addresses without ports"
                        + " (\"grid.example.com\", \"10.0.0.5\", \"[::1]\") but one was '" + HttpError.shown(host) + "'");
            }
            add(host, names, addresses);
        }
        String bind = bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
        InetAddress bound = literal(bind);
        if (bound != null && bound.isAnyLocalAddress()) {
            addresses.addAll(interfaceAddresses());
        } else {
            add(bind, names, addresses);
        }
        Set<String> shown = new TreeSet<>(httpHosts);
        shown.add(bind);
        String described = "localhost, loopback addresses" + (bound != null && bound.isAnyLocalAddress()
                ? ", this machine's addresses" : "") + " or " + String.join(", ", shown);
        return new HostCheck(Set.copyOf(names), Set.copyOf(addresses), described);
    }

    /**
     * @throws HttpError 421 when {@code hostHeader} names a host this server does not answer to; a
     *                   request without Host (HTTP/1.0; the parser refuses it for 1.1) passes: browsers
     *                   always send one
     */
    void require(String hostHeader) {
        if (hostHeader != null && !allows(hostHeader)) {
            throw HttpError.of(421, "host '" + HttpError.shown(hostHeader) + "' is not served here: use "
                    + described + ", or add the name to httpHosts");
        }
    }

    boolean allows(String hostHeader) {
        String host = hostPart(hostHeader.trim());
        if (host == null) {
            return false;
        }
        InetAddress address = literal(host);
        if (address != null) {
            return address.isLoopbackAddress() || addresses.contains(address);
        }
        return names.contains(normalName(host));
    }

    /** The host of {@code host[:port]} or {@code [v6][:port]}; null when it is neither. */
    private static String hostPart(String value) {
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = value.substring(0, close + 1);
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = value.indexOf(':');
            if (colon >= 0) {
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
        }
        if (port != null && !PORT.matcher(port).matches()) {
            return null;
        }
        return NAME.matcher(host).matches() || IPV6.matcher(host).matches() ? host : null;
    }

    private static void add(String host, Set<String> names, Set<InetAddress> addresses) {
        InetAddress address = literal(host);
        if (address != null) {
            addresses.add(address);
        } else {
            names.add(normalName(host));
        }
    }

    private static String normalName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** The address an IP literal ({@code 10.0.0.5}, {@code [::1]}) stands for; null for a name. Never resolves. */
    static InetAddress literal(String host) {
        boolean v6 = IPV6.matcher(host).matches();
        var v4 = IPV4.matcher(host);
        if (!v6 && !v4.matches()) {
            return null;
        }
        if (!v6) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(host); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Set<InetAddress> interfaceAddresses() {
        Set<InetAddress> all = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                all.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            LOG.warn("cannot list this machine's addresses ({}): the status server answers only to localhost, "
                    + "loopback addresses and httpHosts", e.toString());
        }
        return all;
    }
}
