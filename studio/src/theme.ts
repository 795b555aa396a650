import { createTheme } from '@mui/material/styles';

/** One design system: MUI (Material), the theme react-jsonschema-form ships for it too. */
export const theme = createTheme({
  palette: {
    primary: { main: '#1f4e79' },
    secondary: { main: '#2e7d32' },
    background: { default: '#f5f7fa' },
  },
  shape: { borderRadius: 8 },
  typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
  components: {
    MuiButton: { defaultProps: { disableElevation: true } },
    // Visible focus for keyboard users on every interactive element.
    MuiButtonBase: { styleOverrides: { root: { '&.Mui-focusVisible': { outline: '2px solid #1f4e79', outlineOffset: 2 } } } },
  },
});
