package io.meshflow.job.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials written into a JDBC URL ({@code //user:password@host} or {@code
 * ?user=..&password=..}) taken out of it. The URL the job then uses, prints and hands to drivers
 * holds none: a driver's error message that echoes its URL or host can no longer show a password.
 */
public record JdbcUrlCredentials(String url, String user, String password) {

    private static final Pattern USER_INFO =
            Pattern.compile("^(jdbc:[A-Za-z0-9+.-]+://)([^/@?;]*)@", Pattern.CASE_INSENSITIVE);
    private static final Pattern PARAMETER =
            Pattern.compile("([?&;])(user|password)=([^&;]*)", Pattern.CASE_INSENSITIVE);

    /**
     * Splits {@code url} into the URL without credentials and the credentials it held (or null).
     */
    public static JdbcUrlCredentials parse(String url) {
        String user = null;
        String password = null;
        Matcher userInfo = USER_INFO.matcher(url);
        if (userInfo.find()) {
            String info = userInfo.group(2);
            int colon = info.indexOf(':');
            user = colon < 0 ? info : info.substring(0, colon);
            password = colon < 0 ? null : info.substring(colon + 1);
            url = userInfo.group(1) + url.substring(userInfo.end());
        }
        StringBuilder rest = new StringBuilder();
        Matcher parameter = PARAMETER.matcher(url);
        int from = 0;
        while (parameter.find()) {
            if (parameter.group(2).equalsIgnoreCase("user")) {
                user = parameter.group(3);
            } else {
                password = parameter.group(3);
            }
            rest.append(url, from, parameter.start());
            // keep the separator when other parameters follow
            if (parameter.group(1).equals("?")) {
                rest.append('?');
            }
            from = parameter.end();
        }
        rest.append(url.substring(from));
        String cleaned = rest.toString().replace("?&", "?").replaceAll("[?&;]$", "");
        return new JdbcUrlCredentials(cleaned, emptyToNull(user), emptyToNull(password));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
