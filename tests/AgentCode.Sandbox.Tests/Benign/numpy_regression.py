# A least-squares line through two columns with numpy, and its residuals.
import numpy as np

data = np.loadtxt("/data/points.csv", delimiter=",", skiprows=1)
x, y = data[:, 0], data[:, 1]
slope, intercept = np.polyfit(x, y, 1)
residuals = y - (slope * x + intercept)
print(f"y = {slope:.3f} x + {intercept:.3f}")
print("rmse", float(np.sqrt(np.mean(residuals ** 2))))
print("largest residuals at", np.argsort(np.abs(residuals))[::-1][:5].tolist())
