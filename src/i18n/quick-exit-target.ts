/** Where quick exit goes: a neutral, everyday site (the national weather service). */
export const quickExitUrl = 'https://www.smhi.se/';
